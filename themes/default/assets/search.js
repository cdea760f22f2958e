/* Almanac search client: no framework, no network but the site's own index.
 * Index format, tokenizer rules and the site root: gen/search.h, gen/tokenize.h.
 * Every [data-search] box gets results as you type; the page holding
 * [data-search-results] is the results page (search/?q=...&type=&owner=&status=). */
(function () {
'use strict';
// ---------------------------------------------------------------- tokenizer (= gen/tokenize.c)
var STOP = new Set(('a about also am an and are as at be been being but by can could did do does ' +
  'doing each for from had has have having he her here hers him his how i if in into is it its itself ' +
  'just me my of on or our ours she should so such than that the their theirs them then there these ' +
  'they this those to too very was we were what when where which while who whom why will with would ' +
  'you your yours').split(' '));
function isW(c) {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    (c >= 0xC0 && c <= 0x24F && c !== 0xD7 && c !== 0xF7) || (c >= 0x370 && c <= 0x1FFF) ||
    (c >= 0x2C00 && c <= 0x2DFF) || (c >= 0x3040 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDFF);
}
function isU(c) { return c >= 65 && c <= 90; }
function isL(c) { return c >= 97 && c <= 122; }
function isD(c) { return c >= 48 && c <= 57; }
// Words of `t`: [{w: lower-case word, k: 0 word | 1 whole identifier | 2 part, s, e: offsets}]
function tokens(t) {
  var out = [], i = 0, n = t.length;
  function emit(s, e, k) {
    if (e - s < 2 || e - s > 64) return;
    var w = t.slice(s, e).replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
    if (!STOP.has(w)) out.push({ w: w, k: k, s: s, e: e });
  }
  while (i < n) {
    if (!isW(t.charCodeAt(i))) { i++; continue; }
    var st = i, ps = i, prev = 0, parts = [], c;
    for (;;) {
      c = t.charCodeAt(i);
      if (i > ps && isU(c) && (isL(prev) || isD(prev) || (isU(prev) && isL(t.charCodeAt(i + 1))))) {
        if (parts.length < 32) parts.push([ps, i]);
        ps = i;
      }
      prev = c; i++;
      if (i >= n) break;
      c = t.charCodeAt(i);
      if (isW(c)) continue;
      if ((c === 45 || c === 95 || c === 46) && i + 1 < n && isW(t.charCodeAt(i + 1))) {
        if (parts.length < 32) parts.push([ps, i]);
        ps = ++i; prev = 0; continue;
      }
      break;
    }
    if (parts.length < 32) parts.push([ps, i]);
    if (parts.length === 1) emit(st, i, 0);
    else { emit(st, i, 1); for (var j = 0; j < parts.length; j++) emit(parts[j][0], parts[j][1], 2); }
  }
  return out;
}
// ---------------------------------------------------------------- Snowball English (Porter2) stemmer
var EX1 = { skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl',
  ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe',
  atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes' };
var EX2 = ' inning outing canning herring earring proceed exceed succeed ';
var S1B = ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed'];
var S2 = { ization: 'ize', ational: 'ate', fulness: 'ful', ousness: 'ous', iveness: 'ive', tional: 'tion',
  biliti: 'ble', lessli: 'less', entli: 'ent', ation: 'ate', alism: 'al', aliti: 'al', ousli: 'ous',
  iviti: 'ive', fulli: 'ful', enci: 'ence', anci: 'ance', abli: 'able', izer: 'ize', ator: 'ate',
  alli: 'al', bli: 'ble', ogi: 'og', li: '' };
var S3 = { ational: 'ate', tional: 'tion', alize: 'al', icate: 'ic', iciti: 'ic', ative: '', ical: 'ic',
  ness: '', ful: '' };
var S4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive',
  'ize', 'ion', 'al', 'er', 'ic'];
function vw(w, i) { var c = w.charCodeAt(i); return c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121; }
function shortv(w, e) { // short syllable ending at e
  if (e < 2 || vw(w, e - 1) || !vw(w, e - 2)) return false;
  return e === 2 || ('wxY'.indexOf(w[e - 1]) < 0 && !vw(w, e - 3));
}
function longest(w, list) { for (var i = 0; i < list.length; i++) if (w.endsWith(list[i])) return list[i]; return null; }
function keysByLen(o) { return Object.keys(o).sort(function (a, b) { return b.length - a.length; }); }
var K2 = keysByLen(S2), K3 = keysByLen(S3);
function stem(w) {
  if (Object.prototype.hasOwnProperty.call(EX1, w)) return EX1[w];
  if (w.length < 3) return w;
  var i, n, p1, p2, s, yf = false;
  if (w[0] === 'y') { w = 'Y' + w.slice(1); yf = true; }
  for (i = 1; i < w.length; i++) if (w[i] === 'y' && vw(w, i - 1)) { w = w.slice(0, i) + 'Y' + w.slice(i + 1); yf = true; }
  n = w.length;
  function past(f) { // position after the first non-vowel that follows a vowel, from f
    for (var i = f; i < n; i++) if (vw(w, i)) { for (var j = i + 1; j < n; j++) if (!vw(w, j)) return j + 1; return n; }
    return n;
  }
  var m = /^(gener|commun|arsen)/.exec(w);
  p1 = m ? m[0].length : past(0);
  p2 = p1 < n ? past(p1) : n;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
  else if (w.endsWith('s') && !w.endsWith('us') && !w.endsWith('ss')) {
    for (i = w.length - 3; i >= 0; i--) if (vw(w, i)) { w = w.slice(0, -1); break; }
  }
  if (EX2.indexOf(' ' + w + ' ') < 0) {
    // Step 1b
    s = longest(w, S1B);
    if (s === 'eed' || s === 'eedly') { if (w.length - s.length >= p1) w = w.slice(0, -s.length) + 'ee'; }
    else if (s && /[aeiouy]/.test(w.slice(0, -s.length))) {
      w = w.slice(0, -s.length);
      if (/(at|bl|iz)$/.test(w)) w += 'e';
      else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
      else if (w.length === p1 && shortv(w, w.length)) w += 'e';
    }
    // Step 1c
    n = w.length;
    if (n > 2 && (w[n - 1] === 'y' || w[n - 1] === 'Y') && !vw(w, n - 2)) w = w.slice(0, -1) + 'i';
    // Step 2
    s = longest(w, K2);
    if (s && w.length - s.length >= p1) {
      n = w.length - s.length;
      if (s === 'ogi') { if (w[n - 1] === 'l') w = w.slice(0, n) + 'og'; }
      else if (s === 'li') { if (n > 0 && 'cdeghkmnrt'.indexOf(w[n - 1]) >= 0) w = w.slice(0, n); }
      else w = w.slice(0, n) + S2[s];
    }
    // Step 3
    s = longest(w, K3);
    if (s && w.length - s.length >= p1) {
      n = w.length - s.length;
      if (s !== 'ative' || n >= p2) w = w.slice(0, n) + S3[s];
    }
    // Step 4
    s = longest(w, S4);
    if (s && w.length - s.length >= p2) {
      n = w.length - s.length;
      if (s !== 'ion' || w[n - 1] === 's' || w[n - 1] === 't') w = w.slice(0, n);
    }
    // Step 5
    n = w.length - 1;
    if (w[n] === 'e') { if (n >= p2 || (n >= p1 && !shortv(w, n))) w = w.slice(0, n); }
    else if (w[n] === 'l') { if (n >= p2 && w[n - 1] === 'l') w = w.slice(0, n); }
  }
  return yf ? w.replace(/Y/g, 'y') : w;
}
// ---------------------------------------------------------------- index access
function decodeShard(buf) {
  var u = new Uint8Array(buf), p = 0, td = new TextDecoder(), pb = new Uint8Array(0), map = new Map(), list = [];
  function vi() { var x = 0, m = 1, c; do { c = u[p++]; x += (c & 127) * m; m *= 128; } while (c & 128); return x; }
  for (var n = vi(), i = 0; i < n; i++) {
    var sh = vi(), l = vi(), b = new Uint8Array(sh + l);
    b.set(pb.subarray(0, sh)); b.set(u.subarray(p, p + l), sh); p += l; pb = b;
    var t = td.decode(b), bl = vi(), q = p, df = vi();
    p = q; var e = { t: t, o: p, df: df }; p += bl;
    map.set(t, e); list.push(e);
  }
  return { u: u, map: map, list: list };
}
// calls f(page, impact, alertFlag, status, sections[[index, inHeading]])
function postings(sh, e, f) {
  var u = sh.u, p = e.o;
  function vi() { var x = 0, m = 1, c; do { c = u[p++]; x += (c & 127) * m; m *= 128; } while (c & 128); return x; }
  for (var n = vi(), page = 0, i = 0; i < n; i++) {
    page += vi();
    var imp = u[p++], h = vi(), ns = Math.floor(h / 16), secs = [], s = -1;
    for (var j = 0; j < ns; j++) { var c = vi(); s += (c >> 1) + 1; secs.push([s, c & 1]); }
    f(page, imp, (h >> 3) & 1, h & 7, secs);
  }
}
// OSA (Damerau) distance, > max means "more than max"
function dist(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  var d = [], i, j;
  for (i = 0; i <= a.length; i++) { d[i] = [i]; }
  for (j = 0; j <= b.length; j++) d[0][j] = j;
  for (i = 1; i <= a.length; i++) {
    var lo = max + 1;
    for (j = 1; j <= b.length; j++) {
      var c = a[i - 1] === b[j - 1] ? 0 : 1;
      var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v; if (v < lo) lo = v;
    }
    if (lo > max) return max + 1;
  }
  return d[a.length][b.length];
}
function Index(root, fetchImpl) {
  var cache = new Map(), M = null, self = this;
  function get(path, kind) {
    if (!cache.has(path)) {
      cache.set(path, fetchImpl(root + 'search/' + path + (M ? '?v=' + M.h : '')).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + path);
        return kind === 'bin' ? r.arrayBuffer().then(decodeShard) : kind === 'txt' ? r.text() : r.json();
      }));
    }
    return cache.get(path);
  }
  this.manifest = function () { return M ? Promise.resolve(M) : get('manifest.json').then(function (m) { M = m; return m; }); };
  function shardIdx(t) { var k = M.k, lo = 0, hi = k.length - 1; while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (k[mid] <= t) lo = mid; else hi = mid - 1; } return lo; }
  this.shard = function (i) { return get('t/' + i + '.bin', 'bin'); };
  this.term = function (t) { var i = shardIdx(t); return self.shard(i).then(function (sh) { var e = sh.map.get(t); return e ? { sh: sh, e: e } : null; }); };
  this.prefix = function (p, max) { // terms starting with p (from at most `max` shards), most frequent first
    var i = shardIdx(p), ids = [i];
    while (++i < M.k.length && M.k[i].startsWith(p) && ids.length < max) ids.push(i);
    return Promise.all(ids.map(self.shard)).then(function (shs) {
      var r = [];
      shs.forEach(function (sh) { sh.list.forEach(function (e) { if (e.t.startsWith(p)) r.push({ sh: sh, e: e }); }); });
      return r.sort(function (a, b) { return b.e.df - a.e.df; }).slice(0, 12);
    });
  };
  this.vocab = function (w) {
    var i = M.vk.indexOf(w[0]);
    return i < 0 ? Promise.resolve([]) : get('v/' + i + '.txt', 'txt').then(function (t) { return t.split('\n').filter(Boolean); });
  };
  this.meta = function (page) {
    var c = Math.floor(page / M.c);
    return get('m/' + c + '.json').then(function (a) { return a[page - c * M.c]; });
  };
  this.facets = function () { return get('facets.json'); };
}
// Query words: [{w, t: stem, k, parts: [words]}]
function parseQuery(q) {
  var out = [], last = null;
  tokens(q).forEach(function (x) {
    var o = { w: x.w, t: stem(x.w), k: x.k, s: x.s, e: x.e, parts: [] };
    if (x.k === 2 && last && x.s >= last.s && x.e <= last.e) last.parts.push(o);
    else { out.push(o); last = x.k === 1 ? o : null; }
  });
  return out;
}
// Run a query: opts {live: prefix-match the last word, filter: {type, owner, status}}.
// Resolves to {hits: [{page, score, secs}], terms: Set of matched terms, unknown: [words], suggest: [words]}
function run(ix, q, opts) {
  opts = opts || {};
  return ix.manifest().then(function (M) {
    var words = parseQuery(q), terms = new Set(), unknown = [], suggest = [];
    var scale = (M.scale || 1) / 65025;
    // alternatives of one word: [{sh, e, wt, exact}]
    function resolve(x, isLast) {
      return ix.term(x.t).then(function (hit) {
        if (!hit && x.parts.length) return Promise.all(x.parts.map(function (p) { return resolve(p, false); }))
          .then(function (rs) { return { split: rs }; });
        var alts = hit ? [{ sh: hit.sh, e: hit.e, wt: 1, exact: 1 }] : [];
        // prefix matches: from the word's own shard, or a few shards for the last word or an unknown one
        return (x.w.length >= 3 ? ix.prefix(x.w, (opts.live && isLast) || !hit ? 3 : 2) : Promise.resolve([])).then(function (ps) {
          ps.forEach(function (h) { if (h.e.t !== x.t) alts.push({ sh: h.sh, e: h.e, wt: 0.5 }); });
          if (alts.length || x.w.length < 4 || /[0-9._-]/.test(x.w)) return alts;
          return ix.vocab(x.w).then(function (voc) { // typo: words one edit away
            var near = new Set();
            voc.forEach(function (v) { if (near.size < 8 && dist(x.w, v, 1) <= 1) near.add(stem(v)); });
            if (!near.size && x.w.length >= 8) voc.forEach(function (v) { if (near.size < 8 && dist(x.w, v, 2) <= 2) near.add(stem(v)); });
            return Promise.all(Array.from(near).map(ix.term)).then(function (hs) {
              hs.forEach(function (h) { if (h) alts.push({ sh: h.sh, e: h.e, wt: 0.8 }); });
              if (!alts.length) {
                unknown.push(x.w);
                var best = voc.map(function (v) { return [dist(x.w, v, 3), v]; }).filter(function (a) { return a[0] <= 3; })
                  .sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : 1); }).slice(0, 3);
                best.forEach(function (a) { suggest.push(a[1]); });
              }
              return alts;
            });
          });
        });
      });
    }
    var flat = [];
    function flatten(r) { if (r && r.split) r.split.forEach(flatten); else flat.push(r); }
    return Promise.all(words.map(function (x, i) { return resolve(x, i === words.length - 1); })).then(function (rs) {
      rs.forEach(flatten);
      var pages = new Map();
      flat.forEach(function (alts) {
        if (!alts.length) return;
        var best = new Map();
        alts.forEach(function (a) {
          terms.add(a.e.t);
          postings(a.sh, a.e, function (page, imp, alert, st, secs) {
            var v = imp * imp * scale * a.wt, b = best.get(page);
            if (!b || v > b.v) best.set(page, { v: v, a: alert && a.exact, st: st, secs: secs });
          });
        });
        best.forEach(function (b, page) {
          var p = pages.get(page);
          if (!p) pages.set(page, p = { page: page, score: 0, n: 0, a: 0, st: b.st, secs: new Map() });
          p.score += b.v; p.n++; if (b.a) p.a = 1;
          b.secs.forEach(function (s) { p.secs.set(s[0], (p.secs.get(s[0]) || 0) + b.v * (s[1] ? 3 : 1)); });
        });
      });
      var f = opts.filter || {}, need = f.type || f.owner || f.status;
      return (need ? ix.facets() : Promise.resolve(null)).then(function (fc) {
        var hits = [];
        pages.forEach(function (p) {
          if (fc && ((f.type && M.types[fc.t[p.page]] !== f.type) || (f.owner && M.owners[fc.o[p.page]] !== f.owner) ||
            (f.status && M.status[fc.s[p.page]] !== f.status))) return;
          if (p.st === 2) p.score *= 0.93; // stale: below fresh pages of equal relevance
          hits.push(p);
        });
        hits.sort(function (a, b) { return b.a - a.a || b.n - a.n || b.score - a.score || a.page - b.page; });
        return { hits: hits, terms: terms, unknown: unknown, suggest: suggest, words: words };
      });
    });
  });
}
if (typeof module === 'object' && module.exports) module.exports = { tokens: tokens, stem: stem, decodeShard: decodeShard, postings: postings, dist: dist, Index: Index, run: run, parseQuery: parseQuery };
if (typeof document === 'undefined') return;
// ---------------------------------------------------------------- user interface
var me = document.currentScript, attr = (me && me.getAttribute('data-root')) || document.documentElement.getAttribute('data-root');
var ROOT = attr != null ? new URL(attr, location.href).href : me && me.src ? me.src.replace(/assets\/search\.js([?#].*)?$/, '') : new URL('./', location.href).href;
var ix = new Index(ROOT, function (u) { return fetch(u); });
var FILE_MSG = 'Search needs the site served over HTTP (browsers do not let pages load the index from file://).';
function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
// text with the words whose stems are in `terms` wrapped in <mark>
function marked(text, terms) {
  var f = document.createDocumentFragment(), at = 0, skip = -1;
  tokens(text).forEach(function (x) {
    if (x.s < skip) return;
    var hit = terms.has(stem(x.w));
    if (!hit) terms.forEach(function (t) { if (t.length >= 3 && x.w.startsWith(t)) hit = true; });
    if (!hit) return;
    f.appendChild(document.createTextNode(text.slice(at, x.s)));
    f.appendChild(el('mark', null, text.slice(x.s, x.e)));
    at = skip = x.e;
  });
  f.appendChild(document.createTextNode(text.slice(at)));
  return f;
}
// metadata of the top hits: [{hit, url, title, type, owner, status, heading, snippet}]
function details(hits) {
  return Promise.all(hits.map(function (h) {
    return ix.meta(h.page).then(function (m) {
      var sec = -1, bv = 0, x = m[5];
      h.secs.forEach(function (v, s) { if (v > bv || (v === bv && s < sec)) { bv = v; sec = s; } });
      var anchor = sec >= 0 ? x[sec * 3] : '', snip = sec >= 0 ? x[sec * 3 + 2] : '';
      for (var i = 0; !snip && i * 3 < x.length; i++) snip = x[i * 3 + 2];
      return { hit: h, url: ROOT + m[0] + (anchor ? '#' + anchor : ''), title: m[1] || m[0], type: m[2], owner: m[3],
        status: m[4], heading: sec > 0 ? x[sec * 3 + 1] : '', snippet: snip };
    });
  }));
}
function item(d, terms, tag) {
  var li = el(tag, 'as-item'), a = el('a', 'as-link');
  a.href = d.url; a.setAttribute('data-result', '');
  a.appendChild(el('span', 'as-title')).appendChild(marked(d.title, terms));
  if (d.status !== 'fresh') a.appendChild(el('span', 'as-badge as-' + d.status, d.status));
  li.appendChild(a);
  if (d.heading) li.appendChild(el('div', 'as-sec')).appendChild(marked(d.heading, terms));
  if (d.snippet) li.appendChild(el('p', 'as-snip')).appendChild(marked(d.snippet, terms));
  var meta = [d.type, d.owner].filter(Boolean).join(' \u00b7 ');
  if (meta) li.appendChild(el('div', 'as-meta', meta));
  return li;
}
function message(r, q) {
  var p = el('p', 'as-msg');
  if (!r.words.length) { p.textContent = 'Type a word to search.'; return p; }
  p.textContent = r.hits.length ? r.hits.length + (r.hits.length === 1 ? ' result' : ' results') + ' for \u201c' + q + '\u201d' :
    'No pages match \u201c' + q + '\u201d.';
  if (r.unknown.length) {
    p.appendChild(document.createTextNode(' Unknown: ' + r.unknown.join(', ') + '.'));
    if (r.suggest.length) {
      p.appendChild(document.createTextNode(' Did you mean '));
      r.suggest.forEach(function (s, i) {
        var a = el('a', 'as-suggest', s); a.href = ROOT + 'search/?q=' + encodeURIComponent(s);
        if (i) p.appendChild(document.createTextNode(', ')); p.appendChild(a);
      });
      p.appendChild(document.createTextNode('?'));
    }
  }
  return p;
}
function style() {
  var s = el('style');
  s.textContent = '.as-drop{position:absolute;z-index:1000;background:#fff;color:#222;border:1px solid #bbb;box-shadow:0 4px 12px #0003;' +
    'max-width:36em;max-height:70vh;overflow:auto;margin:0;padding:0;list-style:none;font-size:.9em}.as-drop .as-item{padding:.4em .6em;' +
    'border-bottom:1px solid #eee}.as-item.as-on,.as-drop .as-item:hover{background:#eef3ff}.as-list{padding-left:1.4em}.as-list .as-item' +
    '{margin:.8em 0}.as-title{font-weight:600}.as-sec,.as-meta{font-size:.85em;color:#555}.as-snip{margin:.2em 0;font-size:.9em}' +
    '.as-badge{font-size:.75em;margin-left:.5em;padding:0 .4em;border-radius:.6em;background:#ddd;color:#333}.as-stale{background:#f6c6a8}' +
    'mark{background:#fde68a;color:inherit}';
  document.head.appendChild(s);
}
function nav(list, input, e) { // arrow keys over the result links
  var links = Array.prototype.slice.call(list.querySelectorAll('a[data-result]'));
  var i = links.indexOf(document.activeElement);
  if (e.key === 'ArrowDown') i = Math.min(i + 1, links.length - 1);
  else if (e.key === 'ArrowUp') i = i - 1;
  else return false;
  e.preventDefault();
  links.forEach(function (l, j) { l.parentNode.classList.toggle('as-on', j === i); });
  if (i < 0) input.focus(); else links[i].focus();
  return true;
}
function debounce(f, ms) { var t; return function () { clearTimeout(t); t = setTimeout(f, ms); }; }
function results(box) { // the search page
  var inputs = document.querySelectorAll('input[data-search]'), input = inputs[0], form = input && input.form;
  var params = new URLSearchParams(location.search), seq = 0, shown = 10, last = null;
  var sel = {};
  if (!input) return;
  input.value = params.get('q') || '';
  function go(live) {
    var my = ++seq, q = input.value.trim();
    var f = { type: sel.type && sel.type.value, owner: sel.owner && sel.owner.value, status: sel.status && sel.status.value };
    box.removeAttribute('data-search-done');
    var u = new URL(location.href); u.search = '';
    if (q) u.searchParams.set('q', q);
    ['type', 'owner', 'status'].forEach(function (k) { if (f[k]) u.searchParams.set(k, f[k]); });
    if (u.href !== location.href) history.replaceState(null, '', u.href);
    run(ix, q, { live: live, filter: f }).then(function (r) {
      last = r;
      return details(r.hits.slice(0, shown)).then(function (ds) {
        if (my !== seq) return;
        box.textContent = '';
        box.appendChild(message(r, q));
        var ol = box.appendChild(el('ol', 'as-list'));
        ds.forEach(function (d) { ol.appendChild(item(d, r.terms, 'li')); });
        if (r.hits.length > shown) {
          var more = box.appendChild(el('button', 'as-more', 'More results'));
          more.type = 'button';
          more.onclick = function () { shown += 10; go(false); };
        }
        box.setAttribute('data-search-done', '');
      });
    }).catch(function (err) {
      if (my !== seq) return;
      box.textContent = '';
      box.appendChild(el('p', 'as-msg', location.protocol === 'file:' ? FILE_MSG : 'Search failed: ' + err.message));
      box.setAttribute('data-search-done', '');
    });
  }
  ix.manifest().then(function (M) {
    [['type', M.types], ['owner', M.owners], ['status', M.status]].forEach(function (kv) {
      var s = form && form.querySelector('select[name=' + kv[0] + ']');
      if (!s) {
        s = el('select'); s.name = kv[0]; s.setAttribute('aria-label', kv[0]);
        s.appendChild(el('option', null, 'any ' + kv[0])).value = '';
        kv[1].forEach(function (v) { if (v) s.appendChild(el('option', null, v)).value = v; });
        (form || input.parentNode).appendChild(s);
      }
      s.value = params.get(kv[0]) || '';
      s.addEventListener('change', function () { shown = 10; go(false); });
      sel[kv[0]] = s;
    });
  }).catch(function () {}).then(function () { go(false); });
  var later = debounce(function () { shown = 10; go(true); }, 120);
  Array.prototype.forEach.call(inputs, function (inp) {
    if (inp !== input) inp.addEventListener('input', function () { input.value = inp.value; later(); });
  });
  input.addEventListener('input', later);
  if (form) form.addEventListener('submit', function (e) { e.preventDefault(); shown = 10; go(false); });
  box.addEventListener('keydown', function (e) { nav(box, input, e); });
  input.addEventListener('keydown', function (e) { if (e.key === 'ArrowDown') nav(box, input, e); });
  void last;
}
function dropdown(input) { // the box on every other page
  var list = el('ul', 'as-drop'), seq = 0;
  list.hidden = true; list.setAttribute('role', 'listbox');
  document.body.appendChild(list);
  function place() {
    var r = input.getBoundingClientRect();
    list.style.left = (r.left + scrollX) + 'px'; list.style.top = (r.bottom + scrollY + 2) + 'px';
    list.style.minWidth = Math.max(r.width, 280) + 'px';
  }
  function close() { list.hidden = true; }
  function page() { location.href = ROOT + 'search/?q=' + encodeURIComponent(input.value.trim()); }
  var go = debounce(function () {
    var my = ++seq, q = input.value.trim();
    if (!q) return close();
    run(ix, q, { live: true }).then(function (r) {
      return details(r.hits.slice(0, 8)).then(function (ds) {
        if (my !== seq) return;
        list.textContent = '';
        ds.forEach(function (d) { list.appendChild(item(d, r.terms, 'li')); });
        var all = list.appendChild(el('li', 'as-item as-all'));
        var a = all.appendChild(el('a', null, ds.length ? 'All results for \u201c' + q + '\u201d' : 'No pages match \u201c' + q + '\u201d'));
        a.href = ROOT + 'search/?q=' + encodeURIComponent(q);
        place(); list.hidden = false;
      });
    }).catch(function () {
      if (my !== seq) return;
      list.textContent = ''; list.appendChild(el('li', 'as-item', location.protocol === 'file:' ? FILE_MSG : 'Search is unavailable.'));
      place(); list.hidden = false;
    });
  }, 80);
  input.addEventListener('input', go);
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { close(); return; }
    if (e.key === 'Enter') { e.preventDefault(); page(); return; }
    if (!list.hidden) nav(list, input, e);
  });
  list.addEventListener('keydown', function (e) { if (e.key === 'Escape') { close(); input.focus(); } else nav(list, input, e); });
  document.addEventListener('click', function (e) { if (e.target !== input && !list.contains(e.target)) close(); });
  if (input.form) input.form.addEventListener('submit', function (e) { e.preventDefault(); page(); });
}
function init() {
  style();
  var box = document.querySelector('[data-search-results]');
  if (box) results(box);
  else Array.prototype.forEach.call(document.querySelectorAll('input[data-search]'), dropdown);
  document.addEventListener('keydown', function (e) {
    var t = e.target, tag = t && t.tagName;
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    var box = document.querySelector('input[data-search]');
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
