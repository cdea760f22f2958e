/* Almanac default theme: syntax highlighting of fenced code blocks that name a language, by the
 * vendored highlight.js (assets/vendor/highlight/, see tools/vendor.lock), with GitHub's light and
 * dark styles. Loaded only on pages that have such a block (page.has_code); it loads the library and
 * the few extra languages the page uses. Without it, or without JavaScript, code shows plain.
 * window.almanacHighlight(codeElement) highlights a block again after its text changed. Marks inside
 * a block (the values alert-labels.js fills in) are kept: highlighting wraps its spans around them. */
(function () {
  'use strict';
  var doc = document, me = doc.currentScript;
  var base = (me && me.getAttribute('data-vendor') || 'assets/vendor/') + 'highlight/';
  /* languages shipped beside highlight.min.js (which has the common ones), by the names writers use */
  var EXTRA = { dockerfile: 'dockerfile', docker: 'dockerfile', powershell: 'powershell', ps: 'powershell',
    ps1: 'powershell', pwsh: 'powershell', nginx: 'nginx', nginxconf: 'nginx', apache: 'apache',
    apacheconf: 'apache', properties: 'properties', proto: 'protobuf', protobuf: 'protobuf', groovy: 'groovy',
    jenkinsfile: 'groovy', gradle: 'groovy', bat: 'dos', cmd: 'dos', dos: 'dos', batch: 'dos', awk: 'awk',
    cmake: 'cmake' };

  function langOf(code) {
    var pre = code.parentNode, l = pre.getAttribute('lang');
    if (!l) { var m = /language-([\w+-]+)/.exec(code.className); l = m ? m[1] : ''; }
    return l.toLowerCase();
  }
  function load(src) {
    return new Promise(function (ok, fail) {
      var s = doc.createElement('script');
      s.src = src; s.onload = ok; s.onerror = fail;
      doc.head.appendChild(s);
    });
  }
  function css(href, media) {
    var l = doc.createElement('link');
    l.rel = 'stylesheet'; l.href = href; l.media = media;
    doc.head.appendChild(l);
  }
  /* A DOM range over characters [a, b) of `el`'s text. */
  function rangeAt(el, a, b) {
    var w = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT, null), n, pos = 0, r = doc.createRange();
    var startSet = false;
    while ((n = w.nextNode())) {
      var len = n.nodeValue.length;
      if (!startSet && a <= pos + len) { r.setStart(n, a - pos); startSet = true; }
      if (startSet && b <= pos + len) { r.setEnd(n, b - pos); return r; }
      pos += len;
    }
    return null;
  }
  /* The <mark>s inside `code` (values an alert's labels filled in, alert-labels.js) as text ranges,
   * so that highlighting, which rebuilds the block from its text, puts them back. */
  function marksOf(code) {
    return Array.prototype.map.call(code.querySelectorAll('mark'), function (m) {
      var r = doc.createRange();
      r.setStart(code, 0);
      r.setEndBefore(m);
      var a = r.toString().length;
      return { a: a, b: a + m.textContent.length, mark: m.cloneNode(false) };
    });
  }
  function highlight(code) {
    var hljs = window.hljs, lang = langOf(code);
    if (!hljs || !lang) return;
    if (!hljs.getLanguage(lang) && EXTRA[lang]) lang = EXTRA[lang];
    if (!hljs.getLanguage(lang)) return;
    var marks = marksOf(code);
    code.innerHTML = hljs.highlight(code.textContent, { language: lang, ignoreIllegals: true }).value;
    for (var i = marks.length - 1; i >= 0; i--) {
      var r = rangeAt(code, marks[i].a, marks[i].b);
      if (!r) continue;
      var m = marks[i].mark;
      m.appendChild(r.extractContents());
      r.insertNode(m);
    }
    code.classList.add('hljs');
    code.parentNode.setAttribute('data-highlighted', '');
  }
  window.almanacHighlight = highlight;

  function run() {
    var codes = Array.prototype.filter.call(doc.querySelectorAll('main pre > code'), function (c) {
      return langOf(c) && !c.closest('.diagram');
    });
    if (!codes.length) return;
    css(base + 'github.min.css', 'screen and (prefers-color-scheme: light), print');
    css(base + 'github-dark.min.css', 'screen and (prefers-color-scheme: dark)');
    load(base + 'highlight.min.js').then(function () {
      var want = {};
      codes.forEach(function (c) {
        var l = langOf(c);
        if (!window.hljs.getLanguage(l) && EXTRA[l]) want[EXTRA[l]] = 1;
      });
      return Promise.all(Object.keys(want).map(function (l) {
        return load(base + 'languages/' + l + '.min.js').catch(function () {});
      }));
    }).then(function () {
      codes.forEach(highlight);
      doc.documentElement.setAttribute('data-code-highlighted', '');
    }, function () { /* the library could not load: code stays plain */ });
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', run); else run();
})();
