/* Almanac default theme: small page helpers, no dependencies, no network.
 * - a copy button on every code block (navigator.clipboard, with a fallback); in shell blocks it
 *   copies the commands only: prompts and output lines are left out (see copyableText)
 * - the mobile navigation drawer (.nav-toggle / #sidebar)
 * - the table of contents: collapsed on small screens, current section marked
 * - print: absolute URLs after links, "Printed from" line
 * - 404: a search link made from the missing address
 * - opened from disk (file://): folder links point at their index.html
 * - long unbroken names (CamelCase alert names, paths) get line-break opportunities (<wbr>)
 * Everything degrades to a working page without JavaScript. */
(function () {
  'use strict';
  var doc = document, root = doc.documentElement;

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var ta = doc.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.top = '-1000px';
      ta.style.opacity = '0';
      doc.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
      doc.body.removeChild(ta);
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  /* What the copy button of a shell block copies. When a line starts with a prompt ("$ ",
   * "user@host:~$ ", "% " in zsh, "# " in console blocks, "PS> " or "PS C:\> " in PowerShell), the
   * block is a session: the prompts go, and so do the lines after a command that carry no prompt
   * (its output), except a command's continuation lines (after a trailing backslash, with an optional
   * "> " prompt) and here-document bodies. A block without any prompt is a script: copied whole. */
  var SHELL = /^(bash|sh|shell|zsh|console|shell-session|shellsession|terminal|powershell|ps1|pwsh|ps)$/;
  function copyableText(text, lang) {
    if (!SHELL.test(lang)) return text;
    var ps = /^(powershell|ps1|pwsh|ps)$/.test(lang), con = /^(console|shell-session|shellsession|terminal)$/.test(lang);
    var prompt = ps ? /^PS(?: [^>\n]*)?> ?/ : con ? /^(?:[\w.-]+@[\w.-]+(?::[^\n$#]*)?[$#] ?|[$#%] )/ :
      /^(?:[\w.-]+@[\w.-]+(?::[^\n$#]*)?[$#] ?|[$%] )/;
    var lines = text.split('\n');
    if (!lines.some(function (l) { return prompt.test(l); })) return text;
    var out = [], cont = false, heredoc = null;
    lines.forEach(function (l) {
      if (heredoc) {
        out.push(l);
        if (l.replace(/^\t+/, '') === heredoc) heredoc = null;
        return;
      }
      var cmd;
      if (prompt.test(l)) cmd = l.replace(prompt, '');
      else if (cont) cmd = l.replace(/^> /, '');
      else return; /* output */
      out.push(cmd);
      cont = /\\$/.test(cmd);
      var h = /<<-?\s*['"]?([\w-]+)['"]?/.exec(cmd);
      if (h) heredoc = h[1];
    });
    return out.join('\n');
  }

  function codeBlocks() {
    var pres = doc.querySelectorAll('main pre');
    Array.prototype.forEach.call(pres, function (pre) {
      if (pre.parentNode.classList && pre.parentNode.classList.contains('codeblock')) return;
      if (pre.classList.contains('diagram-source')) return; /* drawn by diagram.js */
      var wrap = doc.createElement('div');
      wrap.className = 'codeblock';
      var lang = pre.getAttribute('lang');
      if (!lang) {
        var code = pre.querySelector('code[class*="language-"]');
        var m = code && /language-([\w+-]+)/.exec(code.className);
        lang = m ? m[1] : '';
      }
      if (lang) wrap.setAttribute('data-lang', lang);
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var btn = doc.createElement('button');
      btn.type = 'button';
      btn.className = 'copy-btn';
      btn.textContent = 'Copy';
      btn.setAttribute('aria-label', 'Copy code to clipboard');
      var timer;
      btn.addEventListener('click', function () {
        /* the block's text now (a page script may have filled placeholders in) */
        var text = copyableText((pre.querySelector('code') || pre).textContent.replace(/\n$/, ''), (lang || '').toLowerCase());
        copyText(text).then(function () {
          btn.textContent = 'Copied';
          btn.classList.add('is-done');
        }, function () {
          btn.textContent = 'Press Ctrl+C';
          var r = doc.createRange();
          r.selectNodeContents(pre);
          var s = window.getSelection();
          s.removeAllRanges();
          s.addRange(r);
        });
        clearTimeout(timer);
        timer = setTimeout(function () {
          btn.textContent = 'Copy';
          btn.classList.remove('is-done');
        }, 1800);
      });
      wrap.appendChild(btn);
    });
  }

  function drawer() {
    var btn = doc.querySelector('.nav-toggle'), side = doc.getElementById('sidebar');
    if (!btn || !side) return;
    btn.hidden = false;
    function set(open) {
      root.classList.toggle('nav-open', open);
      btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    }
    btn.addEventListener('click', function () {
      var open = !root.classList.contains('nav-open');
      set(open);
      /* keyboard users land in the menu they opened (its current page, else its first link), not on the
       * logo behind it */
      var to = open && (side.querySelector('[aria-current="page"]') || side.querySelector('a'));
      if (to) to.focus({ preventScroll: true });
    });
    doc.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && root.classList.contains('nav-open')) { set(false); btn.focus(); }
    });
    doc.addEventListener('click', function (e) {
      if (root.classList.contains('nav-open') && !side.contains(e.target) && !btn.contains(e.target)) set(false);
    });
    var active = side.querySelector('[aria-current="page"]');
    if (active && side.scrollHeight > side.clientHeight) {
      var top = active.offsetTop - side.clientHeight / 3;
      if (top > 0) side.scrollTop = top;
    }
  }

  function toc() {
    var box = doc.querySelector('details.toc');
    if (!box) return;
    var wide = window.matchMedia('(min-width: 1280px)');
    function fit() { box.open = wide.matches || box.open && box.dataset.userOpened === '1'; }
    box.querySelector('summary').addEventListener('click', function (e) {
      if (wide.matches) { e.preventDefault(); return; }
      box.dataset.userOpened = box.open ? '0' : '1';
    });
    if (!wide.matches) box.open = false;
    if (wide.addEventListener) wide.addEventListener('change', fit);
    var links = Array.prototype.slice.call(box.querySelectorAll('a[href^="#"]'));
    var targets = links.map(function (a) {
      /* as the browser finds a fragment: the id as written ("caf%C3%A9" of pymdownx's
       * percent_encode), else decoded; a stray '%' is no escape */
      var h = a.getAttribute('href').slice(1), t = doc.getElementById(h);
      if (!t) try { t = doc.getElementById(decodeURIComponent(h)); } catch (e) { t = null; }
      return t;
    });
    if (!('IntersectionObserver' in window) || !targets.length) return;
    var visible = new Map();
    function mark() {
      var best = -1;
      targets.forEach(function (t, i) { if (t && visible.get(t)) { if (best < 0) best = i; } });
      if (best < 0) {
        /* nothing visible: the last heading above the viewport */
        targets.forEach(function (t, i) { if (t && t.getBoundingClientRect().top < 80) best = i; });
      }
      links.forEach(function (a, i) { a.classList.toggle('is-current', i === best); });
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) { visible.set(en.target, en.isIntersecting); });
      mark();
    }, { rootMargin: '-64px 0px -55% 0px' });
    targets.forEach(function (t) { if (t) io.observe(t); });
  }

  function print() {
    /* collapsed <details> (callouts, "more" blocks) print open, and close again after */
    var opened = [];
    window.addEventListener('afterprint', function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
    window.addEventListener('beforeprint', function () {
      Array.prototype.forEach.call(doc.querySelectorAll('main details:not([open])'), function (d) {
        d.open = true;
        opened.push(d);
      });
      var main = doc.getElementById('main');
      if (main && location.protocol !== 'file:') main.setAttribute('data-print-url', location.href);
      Array.prototype.forEach.call(doc.querySelectorAll('main a[href]'), function (a) {
        var h = a.getAttribute('href');
        if (!h || h.charAt(0) === '#' || a.classList.contains('anchor')) return;
        a.setAttribute('data-print-url', a.href);
      });
    });
  }

  function notFound() {
    var p = doc.querySelector('[data-404-suggest]'), search = doc.querySelector('form[role="search"]');
    if (!p || !search) return;
    var words = decodeURIComponent(location.pathname).split('/').filter(Boolean).pop() || '';
    words = words.replace(/\.html?$/, '').replace(/[-_.]+/g, ' ').trim();
    if (!words || words === '404') return;
    var a = doc.createElement('a');
    a.href = search.getAttribute('action') + '?q=' + encodeURIComponent(words);
    a.textContent = 'Search for \u201c' + words + '\u201d';
    p.appendChild(a);
    p.hidden = false;
  }

  /* Opened from disk, a folder link ("../x/") shows a directory listing: point it at its index.html. */
  function fileLinks() {
    if (location.protocol !== 'file:') return;
    Array.prototype.forEach.call(doc.querySelectorAll('a[href]'), function (a) {
      var h = a.getAttribute('href');
      if (/^[a-z][a-z0-9+.-]*:/i.test(h) || h.charAt(0) === '#' || h.charAt(0) === '/') return;
      var m = /^([^?#]*)(.*)$/.exec(h), path = m[1];
      if (path === '' || path.charAt(path.length - 1) === '/') a.setAttribute('href', (path || './') + 'index.html' + m[2]);
    });
    Array.prototype.forEach.call(doc.querySelectorAll('form[action]'), function (f) {
      var act = f.getAttribute('action');
      if (act.charAt(act.length - 1) === '/') f.setAttribute('action', act + 'index.html');
    });
  }

  /* A 60-character alert name has no break opportunity: the stylesheet's overflow-wrap breaks it at the
   * edge, mid-word. Offer breaks where a reader expects them instead: before a capital that starts a
   * word (GuestVCPU|Queue|High), after '/', '_' and '.'. Only words of 20 characters or more, outside
   * code blocks; the text itself is unchanged (copying it gives the same characters). */
  var LONG_WORD = /[^\s<>]{20,}/;
  var BREAK_AT = /(?:[a-z0-9](?=[A-Z])|[A-Z](?=[A-Z][a-z])|[\/_.](?=[^\s]))/g;
  function breakLongWords() {
    var areas = doc.querySelectorAll('.sidebar, .main, .site-footer');
    Array.prototype.forEach.call(areas, function (area) {
      var walker = doc.createTreeWalker(area, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          if (!LONG_WORD.test(n.data)) return NodeFilter.FILTER_REJECT;
          return n.parentNode.closest('pre, script, style, textarea, svg, [data-nowbr]') ?
            NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        }
      });
      var nodes = [];
      for (var n = walker.nextNode(); n && nodes.length < 5000; n = walker.nextNode()) nodes.push(n);
      nodes.forEach(function (node) {
        var frag = doc.createDocumentFragment();
        node.data.split(/(\s+)/).forEach(function (word) {
          if (word.length < 20 || /\s/.test(word)) { frag.appendChild(doc.createTextNode(word)); return; }
          var last = 0;
          word.replace(BREAK_AT, function (m, at) {
            var cut = at + 1;
            if (cut - last >= 3 && word.length - cut >= 3) {
              frag.appendChild(doc.createTextNode(word.slice(last, cut)));
              frag.appendChild(doc.createElement('wbr'));
              last = cut;
            }
            return m;
          });
          frag.appendChild(doc.createTextNode(word.slice(last)));
        });
        node.parentNode.replaceChild(frag, node);
      });
    });
  }

  function init() {
    breakLongWords();
    fileLinks();
    codeBlocks();
    drawer();
    toc();
    print();
    notFound();
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init); else init();
})();
