/* Almanac default theme: mermaid diagrams, drawn by the vendored mermaid library
 * (assets/vendor/mermaid/, see tools/vendor.lock). Loaded only on pages with a diagram
 * (page.has_diagram); the library itself (3.6 MB) is fetched when the first diagram comes near the
 * viewport. Each diagram is drawn twice, in mermaid's light and dark themes, and the stylesheet shows
 * the one for the colour scheme (light in print). Without JavaScript, or when a diagram has an error,
 * its source stays on the page. */
(function () {
  'use strict';
  var doc = document, me = doc.currentScript;
  var src = (me && me.getAttribute('data-vendor') || 'assets/vendor/') + 'mermaid/mermaid.min.js';
  var boxes = Array.prototype.slice.call(doc.querySelectorAll('.diagram[data-diagram="mermaid"]'));
  if (!boxes.length) return;
  var started = false;

  function draw(mermaid, text, theme, id) {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme });
    return mermaid.render(id, text).then(function (r) { return r.svg; });
  }
  function renderAll() {
    var mermaid = window.mermaid;
    if (!mermaid) return;
    var chain = Promise.resolve();
    boxes.forEach(function (box, i) {
      chain = chain.then(function () {
        var text = box.querySelector('.diagram-source code').textContent, light;
        return draw(mermaid, text, 'default', 'almanac-diagram-' + i + '-light').then(function (svg) {
          light = svg;
          return draw(mermaid, text, 'dark', 'almanac-diagram-' + i + '-dark');
        }).then(function (dark) {
          var l = doc.createElement('div'), d = doc.createElement('div');
          l.className = 'diagram-svg diagram-light'; l.innerHTML = light;
          d.className = 'diagram-svg diagram-dark'; d.innerHTML = dark;
          box.insertBefore(d, box.firstChild);
          box.insertBefore(l, box.firstChild);
          // a wide diagram on a phone: shrunk at most to 3/4 of its size (its box scrolls sideways)
          // instead of to the screen's width, where its labels became unreadable
          [l, d].forEach(function (b) {
            var svg = b.querySelector('svg'), w = svg && parseFloat(svg.style.maxWidth);
            if (w > 0) svg.style.minWidth = Math.round(0.75 * w) + 'px';
          });
          box.setAttribute('data-rendered', '');
        }, function (e) {
          box.setAttribute('data-error', '');
          var p = doc.createElement('p');
          p.className = 'diagram-error';
          p.textContent = 'This diagram could not be drawn: ' + (e && e.message ? e.message : e);
          box.insertBefore(p, box.firstChild);
        });
      });
    });
    chain.then(function () { doc.documentElement.setAttribute('data-diagrams-done', ''); });
  }
  function start() {
    if (started) return;
    started = true;
    var s = doc.createElement('script');
    s.src = src;
    s.onload = renderAll;
    doc.head.appendChild(s);
  }
  if ('IntersectionObserver' in window) {
    var io = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); start(); }
    }, { rootMargin: '600px 0px' });
    boxes.forEach(function (b) { io.observe(b); });
  } else {
    start();
  }
  window.addEventListener('beforeprint', start);
})();
