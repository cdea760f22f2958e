/* Almanac: alert-aware runbook pages (loaded on pages that answer an alert).
 *
 * An alerting tool links alerts/<Name>/?namespace=prod&pod=api-1 (the firing
 * alert's labels); the redirect keeps the query (alert-redirect.js). On the
 * runbook this script
 *   - shows a box listing the labels (names must be Prometheus label names,
 *     [A-Za-z_][A-Za-z0-9_]*; at most 64 labels of 1,024 characters);
 *   - fills the placeholders of the page's code with the values:
 *     {{ $labels.pod }}, {{ .Labels.pod }}, $labels.pod, and <pod> when a
 *     label of that name was given; each filled value is a <mark
 *     class="label-value"> so it shows as filled in.
 * Safety: values only ever reach the page as text (textContent, never
 * innerHTML). In shell code (sh, bash, console, zsh, shell and code blocks
 * without a language) a value with anything but letters, digits and
 * _ . / : @ % + = , - is quoted for where it lands: outside quotes as
 * '...' (a ' as '\''), inside '...' with each ' as '\'', inside "..." with
 * $ ` \ " escaped by a backslash and ! as "'!'": a value such as $(rm -rf /)
 * or a quote is never executed when the command is pasted. Such values
 * carry class "label-quoted". A value with a control character (a newline)
 * is shown in the box but never filled in.
 * It only changes text: a copy button copies what it shows. */
(function () {
  'use strict';
  var doc = document;
  var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
  var SAFE = /^[A-Za-z0-9_.\/:@%+=,-]*$/;
  var SHELL = /^(sh|bash|shell|console|zsh|ksh|shell-session|shellsession|terminal)$/i;

  function labels() {
    var out = [], seen = {};
    if (!location.search || typeof URLSearchParams === 'undefined') return out;
    new URLSearchParams(location.search).forEach(function (v, k) {
      if (out.length >= 64 || !NAME.test(k) || seen[k] || v.length > 1024) return;
      seen[k] = true;
      out.push({ name: k, value: v, control: /[\u0000-\u001f\u007f]/.test(v) });
    });
    return out;
  }

  /* The quote state at the end of `text` (one shell line): '' outside quotes, "'" or '"'. */
  function quoteState(text) {
    var st = '';
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (st === "'") { if (c === "'") st = ''; continue; }
      if (c === '\\') { i++; continue; }
      if (st === '"') { if (c === '"') st = ''; continue; }
      if (c === '"' || c === "'") st = c;
      else if (c === '#' && (i === 0 || /\s/.test(text.charAt(i - 1)))) return '#';
    }
    return st;
  }

  /* `value` as it must be written at a place whose quote state is `st`. */
  function shellValue(value, st) {
    if (SAFE.test(value)) return { text: value, quoted: false };
    if (st === "'") return { text: value.replace(/'/g, "'\\''"), quoted: true };
    if (st === '"') return { text: value.replace(/([$`\\"])/g, '\\$1').replace(/!/g, '"\'!\'"'), quoted: true };
    return { text: "'" + value.replace(/'/g, "'\\''") + "'", quoted: true };
  }

  function isShell(code) {
    var lang = '', m = /language-([\w+-]+)/.exec(code.className || '');
    if (m) lang = m[1];
    var pre = code.closest ? code.closest('pre') : null;
    if (!lang && pre) lang = pre.getAttribute('lang') || '';
    var wrap = pre && pre.parentNode && pre.parentNode.getAttribute ? pre.parentNode.getAttribute('data-lang') : '';
    if (!lang && wrap) lang = wrap;
    return !lang || SHELL.test(lang);
  }

  /* The text nodes under `el` with their offsets in its text. */
  function textNodes(el) {
    var list = [], pos = 0, w = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT, null), n;
    while ((n = w.nextNode())) {
      list.push({ node: n, start: pos });
      pos += n.nodeValue.length;
    }
    return list;
  }

  /* Replace characters [a, b) of `el`'s text by a <mark> holding `text`. Works across the
   * element's text nodes (syntax highlighting may split a placeholder into several). */
  function replaceRange(el, a, b, text, title, quoted) {
    var nodes = textNodes(el), mark = doc.createElement('mark');
    mark.className = 'label-value' + (quoted ? ' label-quoted' : '');
    mark.textContent = text;
    mark.title = title;
    var placed = false;
    for (var i = 0; i < nodes.length; i++) {
      var t = nodes[i].node, s = nodes[i].start, e = s + t.nodeValue.length;
      if (e <= a || s >= b) continue;
      var from = Math.max(a, s) - s, to = Math.min(b, e) - s;
      var after = t.nodeValue.slice(to);
      t.nodeValue = t.nodeValue.slice(0, from);
      if (!placed) {
        t.parentNode.insertBefore(mark, t.nextSibling);
        placed = true;
        if (after) mark.parentNode.insertBefore(doc.createTextNode(after), mark.nextSibling);
      } else if (after) {
        t.nodeValue = after;
      }
    }
  }

  function fill(code, byName) {
    var shell = isShell(code), count = 0;
    var re = /\{\{-?\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}|\{\{-?\s*\.Labels\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}|\$labels\.([A-Za-z_][A-Za-z0-9_]*)|<([A-Za-z_][A-Za-z0-9_]*)>/g;
    var text = code.textContent, found = [], m;
    while ((m = re.exec(text))) {
      var name = m[1] || m[2] || m[3] || m[4], l = byName[name];
      if (!l || l.control) continue;
      found.push({ a: m.index, b: m.index + m[0].length, label: l });
    }
    /* from the end, so earlier offsets stay right */
    for (var i = found.length - 1; i >= 0; i--) {
      var f = found[i], v = { text: f.label.value, quoted: false };
      if (shell) {
        var lineStart = text.lastIndexOf('\n', f.a - 1) + 1, st = quoteState(text.slice(lineStart, f.a));
        if (st !== '#') v = shellValue(f.label.value, st);
      }
      replaceRange(code, f.a, f.b, v.text, f.label.name + ' (from the alert\u2019s labels)', v.quoted);
      count++;
    }
    return count;
  }

  function box(list, filled) {
    var aside = doc.createElement('aside');
    aside.className = 'alert-labels';
    aside.setAttribute('aria-label', 'Labels of the firing alert');
    aside.setAttribute('data-alert-labels', '');
    var h = doc.createElement('p');
    h.className = 'alert-labels-title';
    var alertname = list.filter(function (l) { return l.name === 'alertname'; })[0];
    h.textContent = alertname ? 'Opened for the alert ' + alertname.value : 'Opened for a firing alert';
    aside.appendChild(h);
    var dl = doc.createElement('dl');
    list.forEach(function (l) {
      var dt = doc.createElement('dt'), dd = doc.createElement('dd'), code = doc.createElement('code');
      dt.textContent = l.name;
      code.textContent = l.value;
      dd.appendChild(code);
      if (l.control) {
        var warn = doc.createElement('span');
        warn.className = 'label-warning';
        warn.textContent = ' (contains a line break or control character: not filled in)';
        dd.appendChild(warn);
      }
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    aside.appendChild(dl);
    var p = doc.createElement('p');
    p.className = 'alert-labels-note';
    p.textContent = filled
      ? filled + ' placeholder' + (filled === 1 ? ' is' : 's are') +
        ' filled in below (highlighted); values with special characters are quoted for the shell. Check before you run.'
      : 'No command on this page has a placeholder for these labels.';
    aside.appendChild(p);
    var clear = doc.createElement('a');
    clear.href = location.pathname;
    clear.textContent = 'Show the page without labels';
    aside.appendChild(clear);
    return aside;
  }

  /* The chooser page of an alert several runbooks answer: its links keep the labels. */
  function chooser() {
    var links = doc.querySelectorAll('[data-alert-choices] a[href]');
    Array.prototype.forEach.call(links, function (a) {
      var h = a.getAttribute('href');
      if (h.indexOf('?') < 0 && location.search) a.setAttribute('href', h + location.search);
    });
  }

  function init() {
    chooser();
    var list = labels();
    if (!list.length) return;
    var content = doc.querySelector('main .content');
    if (!content) return;
    var byName = {};
    list.forEach(function (l) { byName[l.name] = l; });
    var filled = 0;
    Array.prototype.forEach.call(content.querySelectorAll('code'), function (code) {
      filled += fill(code, byName);
    });
    content.parentNode.insertBefore(box(list, filled), content);
    doc.documentElement.setAttribute('data-alert-filled', String(filled));
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init); else init();
})();
