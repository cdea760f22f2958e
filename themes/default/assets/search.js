/* Almanac search client, no framework. Index format, tokenizer, site root: gen/search.h, gen/tokenize.h.
 * input[data-search]: results as you type; [data-search-results]: the results page (search/?q=&type=&owner=&status=). */
(() => {
'use strict';
// == tokenizer (= gen/tokenize.c)
const STOP = new Set(('a about also am an and are as at be been being but by can could did do does doing ' +
  'each for from had has have having he her here hers him his how i if in into is it its itself just me my ' +
  'of on or our ours she should so such than that the their theirs them then there these they this those ' +
  'to too very was we were what when where which while who whom why will with would you your yours').split(' '));
const isW = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
  (c >= 0xC0 && c <= 0x24F && c !== 0xD7 && c !== 0xF7) || (c >= 0x370 && c <= 0x1FFF) ||
  (c >= 0x2C00 && c <= 0x2DFF) || (c >= 0x3040 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDFF);
const isU = (c) => c >= 65 && c <= 90, isL = (c) => c >= 97 && c <= 122, isD = (c) => c >= 48 && c <= 57;
// words of t: [{w: lower-case, k: 0 word | 1 identifier | 2 its part, s, e: offsets}]
function tokens(t) {
  const out = [], n = t.length;
  const emit = (s, e, k) => {
    const w = t.slice(s, e).replace(/[A-Z]+/g, (m) => m.toLowerCase());
    if (e - s >= 2 && e - s <= 64 && !STOP.has(w)) out.push({ w, k, s, e });
  };
  for (let i = 0; i < n;) {
    if (!isW(t.charCodeAt(i))) { i++; continue; }
    let st = i, ps = i, prev = 0, c;
    const parts = [], cut = (e) => { if (parts.length < 32) parts.push([ps, e]); };
    for (;;) {
      c = t.charCodeAt(i);
      if (i > ps && isU(c) && (isL(prev) || isD(prev) || (isU(prev) && isL(t.charCodeAt(i + 1))))) { cut(i); ps = i; }
      prev = c;
      if (++i >= n) break;
      c = t.charCodeAt(i);
      if (isW(c)) continue;
      if ((c === 45 || c === 95 || c === 46) && i + 1 < n && isW(t.charCodeAt(i + 1))) { cut(i); ps = ++i; prev = 0; continue; }
      break;
    }
    cut(i);
    if (parts.length === 1) emit(st, i, 0);
    else { emit(st, i, 1); for (const [a, b] of parts) emit(a, b, 2); }
  }
  return out;
}
// == Snowball English stemmer (libstemmer 2.2)
// x:y tables, longest suffix first
const table = (s) => s.split(' ').map((x) => x.split(':'));
const EX1 = new Map(table('skis:ski skies:sky dying:die lying:lie tying:tie idly:idl gently:gentl ugly:ugli early:earli ' +
  'only:onli singly:singl sky:sky news:news howe:howe atlas:atlas cosmos:cosmos bias:bias andes:andes'));
const EX2 = ' inning outing canning herring earring proceed exceed succeed ';
const S2 = table('ization:ize ational:ate fulness:ful ousness:ous iveness:ive tional:tion biliti:ble lessli:less ' +
  'entli:ent ation:ate alism:al aliti:al ousli:ous iviti:ive fulli:ful enci:ence anci:ance abli:able izer:ize ' +
  'ator:ate alli:al bli:ble ogi:og li:');
const S3 = table('ational:ate tional:tion alize:al icate:ic iciti:ic ative: ical:ic ness: ful:');
const S4 = 'ement ance ence able ible ment ant ent ism ate iti ous ive ize ion al er ic'.split(' ');
const vw = (w, i) => 'aeiouy'.includes(w[i] || '#');
const shortv = (w, e) => e >= 2 && !vw(w, e - 1) && vw(w, e - 2) && (e === 2 || (!'wxY'.includes(w[e - 1]) && !vw(w, e - 3)));
const ends = (w, list) => list.find((s) => w.endsWith(Array.isArray(s) ? s[0] : s));
function stem(w) {
  if (EX1.has(w)) return EX1.get(w);
  if (w.length < 3) return w;
  let s, n;
  // input is lower-case: Y marks a consonant y
  if (w[0] === 'y') w = 'Y' + w.slice(1);
  for (let i = 1; i < w.length; i++) if (w[i] === 'y' && vw(w, i - 1)) w = w.slice(0, i) + 'Y' + w.slice(i + 1);
  n = w.length;
  const past = (f) => { // after the first non-vowel following a vowel
    for (let i = f; i < n; i++) if (vw(w, i)) { for (let j = i + 1; j < n; j++) if (!vw(w, j)) return j + 1; return n; }
    return n;
  };
  const m = /^(gener|commun|arsen)/.exec(w), p1 = m ? m[0].length : past(0), p2 = p1 < n ? past(p1) : n;
  // 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
  else if (w.endsWith('s') && !w.endsWith('us') && !w.endsWith('ss') && /[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1);
  if (EX2.includes(' ' + w + ' ')) return w.replace(/Y/g, 'y');
  // 1b
  s = ends(w, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
  if (s === 'eed' || s === 'eedly') { if (w.length - s.length >= p1) w = w.slice(0, -s.length) + 'ee'; }
  else if (s && /[aeiouy]/.test(w.slice(0, -s.length))) {
    w = w.slice(0, -s.length);
    if (/(at|bl|iz)$/.test(w)) w += 'e';
    else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
    else if (w.length === p1 && shortv(w, w.length)) w += 'e';
  }
  // 1c
  n = w.length;
  if (n > 2 && (w[n - 1] === 'y' || w[n - 1] === 'Y') && !vw(w, n - 2)) w = w.slice(0, -1) + 'i';
  // 2
  s = ends(w, S2);
  if (s && (n = w.length - s[0].length) >= p1) {
    if (s[0] === 'ogi') { if (w[n - 1] === 'l') w = w.slice(0, n) + 'og'; }
    else if (s[0] === 'li') { if (n > 0 && 'cdeghkmnrt'.includes(w[n - 1])) w = w.slice(0, n); }
    else w = w.slice(0, n) + s[1];
  }
  // 3
  s = ends(w, S3);
  if (s && (n = w.length - s[0].length) >= p1 && (s[0] !== 'ative' || n >= p2)) w = w.slice(0, n) + s[1];
  // 4
  s = ends(w, S4);
  if (s && (n = w.length - s.length) >= p2 && (s !== 'ion' || w[n - 1] === 's' || w[n - 1] === 't')) w = w.slice(0, n);
  // 5
  n = w.length - 1;
  if (w[n] === 'e' ? n >= p2 || (n >= p1 && !shortv(w, n)) : w[n] === 'l' && n >= p2 && w[n - 1] === 'l') w = w.slice(0, n);
  return w.replace(/Y/g, 'y');
}
// == index
const reader = (u, p) => { const r = { p, v() { let x = 0, m = 1, c; do { c = u[r.p++]; x += (c & 127) * m; m *= 128; } while (c & 128); return x; } }; return r; };
// term shard -> {u: bytes, map: term -> {t, o: postings offset, df}, list}
function decodeShard(buf) {
  const u = new Uint8Array(buf), r = reader(u, 0), td = new TextDecoder(), map = new Map(), list = [];
  let pb = new Uint8Array(0);
  for (let n = r.v(); n > 0; n--) {
    const sh = r.v(), l = r.v(), b = new Uint8Array(sh + l);
    b.set(pb.subarray(0, sh)); b.set(u.subarray(r.p, r.p + l), sh); r.p += l; pb = b;
    const bl = r.v(), e = { t: td.decode(b), o: r.p, df: reader(u, r.p).v() };
    r.p += bl; map.set(e.t, e); list.push(e);
  }
  return { u, map, list };
}
// calls f(page, impact, alert flag, status, [[section, in heading]])
function postings(sh, e, f) {
  const r = reader(sh.u, e.o);
  for (let n = r.v(), page = 0; n > 0; n--) {
    page += r.v();
    const imp = sh.u[r.p++], h = r.v(), secs = [];
    for (let j = Math.floor(h / 16), s = -1; j > 0; j--) { const c = r.v(); s += (c >> 1) + 1; secs.push([s, c & 1]); }
    f(page, imp, (h >> 3) & 1, h & 7, secs);
  }
}
// optimal string alignment distance, at most max + 1
function dist(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d = [...Array(a.length + 1)].map((_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] !== b[j - 1]),
      i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? d[i - 2][j - 2] + 1 : 99);
  }
  return Math.min(d[a.length][b.length], max + 1);
}
function Index(root, fetchImpl) {
  const cache = new Map();
  let M = null;
  const get = (path, kind) => {
    if (!cache.has(path)) {
      cache.set(path, fetchImpl(root + 'search/' + path + (M ? '?v=' + M.h : '')).then((r) => {
        if (!r.ok) throw new Error(r.status + ' ' + path);
        return kind === 'bin' ? r.arrayBuffer().then(decodeShard) : kind === 'txt' ? r.text() : r.json();
      }));
    }
    return cache.get(path);
  };
  const shardOf = (t) => Math.max(0, M.k.findLastIndex((k) => k <= t));
  this.manifest = async () => M || (M = await get('manifest.json'));
  this.shard = (i) => get('t/' + i + '.bin', 'bin');
  this.term = async (t) => { const sh = await this.shard(shardOf(t)), e = sh.map.get(t); return e ? { sh, e } : null; };
  this.prefix = async (p, max) => {
    const ids = [shardOf(p)];
    for (let i = ids[0] + 1; i < M.k.length && M.k[i].startsWith(p) && ids.length < max; i++) ids.push(i);
    const r = [];
    for (const sh of await Promise.all(ids.map(this.shard))) for (const e of sh.list) if (e.t.startsWith(p)) r.push({ sh, e });
    return r.sort((a, b) => b.e.df - a.e.df).slice(0, 12);
  };
  this.vocab = async (w) => { const i = M.vk.indexOf(w[0]); return i < 0 ? [] : (await get('v/' + i + '.txt', 'txt')).split('\n').filter(Boolean); };
  this.meta = async (page) => { const c = Math.floor(page / M.c); return (await get('m/' + c + '.json'))[page - c * M.c]; };
  this.facets = () => get('facets.json');
}
// query words: [{w, t: stem, parts: [words of an identifier]}]
function parseQuery(q) {
  const out = [];
  let last = null;
  for (const x of tokens(q)) {
    const o = { w: x.w, t: stem(x.w), parts: [] };
    if (x.k === 2 && last) last.parts.push(o);
    else { out.push(o); last = x.k === 1 ? o : null; }
  }
  return out;
}
// opts {live: being typed, filter: {type, owner, status}} -> {hits: [{page, score, secs}], terms, unknown, suggest}
async function run(ix, q, opts = {}) {
  const M = await ix.manifest(), words = M.k.length ? parseQuery(q) : [], terms = new Set(), unknown = [], suggest = [];
  const scale = (M.scale || 1) / 65025, flat = [];
  // the terms a word stands for: [{sh, e, wt: weight, exact}]
  const stale = () => opts.stale && opts.stale(); // a newer query was typed: fetch nothing more for this one
  const resolve = async (x, isLast) => {
    const hit = await ix.term(x.t);
    if (stale()) return [];
    if (!hit && x.parts.length) { for (const p of x.parts) flat.push(resolve(p, false)); return []; }
    const alts = hit ? [{ ...hit, wt: 1, exact: 1 }] : [];
    // prefixes: from the word's shard, more if typed or maybe cut short
    if (x.w.length >= 3) for (const h of await ix.prefix(x.w, opts.live && isLast ? 3 : x.w.length > 4 && x.t === x.w ? 2 : 1)) if (h.e.t !== x.t) alts.push({ ...h, wt: 0.5 });
    if (alts.length || stale()) return alts;
    if (x.w.length < 4 || /[0-9._-]/.test(x.w)) { unknown.push(x.w); return alts; }
    const voc = await ix.vocab(x.w), near = new Set(); // typos: one edit away (two for long words)
    for (const max of x.w.length >= 8 ? [1, 2] : [1]) if (!near.size) for (const v of voc) if (near.size < 8 && dist(x.w, v, max) <= max) near.add(stem(v));
    for (const h of await Promise.all([...near].map(ix.term))) if (h) alts.push({ ...h, wt: 0.8 });
    if (!alts.length) unknown.push(x.w);
    return alts;
  };
  words.forEach((x, i) => flat.push(resolve(x, i === words.length - 1)));
  const pages = new Map();
  const lists = [];
  for (let i = 0; i < flat.length; i++) lists.push(await flat[i]); // parts of an unknown identifier join `flat` meanwhile
  // every word unknown: the closest words of the vocabulary (the word's first letter, then its second
  // one for a wrong or missing first letter), so a query never ends without a way on
  if (words.length && unknown.length && !stale() && lists.every((l) => !l.length)) {
    for (const w of unknown) {
      const cands = new Map(), max = Math.max(2, Math.min(3, Math.floor(w.length / 3)));
      for (const c of new Set([w[0], w[1]].filter(Boolean))) {
        for (const v of await ix.vocab(c)) { const d = dist(w, v, max); if (d <= max && (!cands.has(v) || d < cands.get(v))) cands.set(v, d); }
        if (cands.size) break;
      }
      suggest.push(...[...cands].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map((a) => a[0]));
    }
  }
  for (let i = 0; i < flat.length; i++) {
    const best = new Map();
    for (const a of lists[i]) {
      terms.add(a.e.t);
      postings(a.sh, a.e, (page, imp, alert, st, secs) => {
        const v = imp * imp * scale * a.wt, b = best.get(page);
        if (!b || v > b.v) best.set(page, { v, a: alert && a.exact, st, secs });
      });
    }
    best.forEach((b, page) => {
      let p = pages.get(page);
      if (!p) pages.set(page, p = { page, score: 0, n: 0, a: 0, st: b.st, secs: new Map() });
      p.score += b.v; p.n++; p.a |= b.a;
      for (const [s, h] of b.secs) p.secs.set(s, (p.secs.get(s) || 0) + b.v * (h ? 3 : 1));
    });
  }
  const f = opts.filter || {}, fc = f.type || f.owner || f.status ? await ix.facets() : null, hits = [];
  const out = (list, names, v) => v && names[list[p.page]] !== v;
  let p;
  for (p of pages.values()) {
    if (fc && (out(fc.t, M.types, f.type) || out(fc.o, M.owners, f.owner) || out(fc.s, M.status, f.status))) continue;
    if (p.st === 2) p.score *= 0.93; // stale: below fresh pages of equal relevance
    hits.push(p);
  }
  // exact alert name, then more words matched, then score
  hits.sort((a, b) => b.a - a.a || b.n - a.n || b.score - a.score || a.page - b.page);
  return { hits, terms, unknown, suggest, words };
}
if (typeof module === 'object') module.exports = { tokens, stem, decodeShard, postings, dist, Index, run };
if (typeof document === 'undefined') return;
// == user interface
const me = document.currentScript, attr = (me && me.dataset.root) || document.documentElement.dataset.root;
const ROOT = attr != null ? new URL(attr, location.href).href : me.src.replace(/assets\/search\.js([?#].*)?$/, '');
const ix = new Index(ROOT, (u) => fetch(u));
const FROM_DISK = location.protocol === 'file:';
const FAILED = () => FROM_DISK ? 'Search needs the site served over HTTP (not file://), e.g. python3 -m http.server in the site folder.' : 'Search failed.';
// opened from disk, a folder URL is a directory listing: name the page itself
const resultsUrl = (q) => ROOT + (FROM_DISK ? 'search/index.html' : 'search/') + '?q=' + encodeURIComponent(q);
function el(tag, cls, text, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.append(text);
  if (parent) parent.append(e);
  return e;
}
// text with the words matching `terms` in <mark>
function marked(text, terms) {
  const f = document.createDocumentFragment();
  let at = 0;
  for (const x of tokens(text)) {
    if (x.s < at || !(terms.has(stem(x.w)) || [...terms].some((t) => t.length >= 3 && x.w.startsWith(t)))) continue;
    f.append(text.slice(at, x.s), el('mark', null, text.slice(x.s, x.e)));
    at = x.e;
  }
  f.append(text.slice(at));
  return f;
}
// one result: title, status badge, best section, excerpt
async function item(h, terms) {
  const m = await ix.meta(h.page), x = m[5];
  let sec = -1, bv = 0;
  h.secs.forEach((v, s) => { if (v > bv || (v === bv && s < sec)) { bv = v; sec = s; } });
  let snip = sec >= 0 ? x[sec * 3 + 2] : '';
  for (let i = 0; !snip && i * 3 < x.length; i++) snip = x[i * 3 + 2];
  const li = el('li', 'as-item'), a = el('a', 'as-link', null, li);
  a.href = ROOT + m[0] + (sec >= 0 && x[sec * 3] ? '#' + x[sec * 3] : '');
  a.dataset.result = '';
  el('span', 'as-title', marked(m[1] || m[0], terms), a);
  if (m[4] !== 'fresh') el('span', 'as-badge as-' + m[4], m[4], a);
  const path = typeof m[6] === 'string' ? m[6] : sectionPath(m[0]); // the breadcrumbs' titles, from the index
  if (path) el('div', 'as-path', path, li);
  if (sec > 0 && x[sec * 3 + 1]) el('div', 'as-sec', marked(x[sec * 3 + 1], terms), li);
  if (snip) el('p', 'as-snip', marked(snip, terms), li);
  if (m[2] || m[3]) el('div', 'as-meta', [m[2], m[3]].filter(Boolean).join(' \u00b7 '), li);
  return li;
}
// "Runbooks › K8s" from "runbooks/k8s/node-not-ready/": where a page lives, so two pages with one title differ
// (for an index without trails: the index gives the folders' own titles)
function sectionPath(url) {
  const segs = url.split(/[?#]/)[0].split('/').filter(Boolean).slice(0, -1);
  return segs.map((s) => { try { s = decodeURIComponent(s); } catch (e) { /* as written */ }
    s = s.replace(/[-_]+/g, ' ').trim(); return s.charAt(0).toUpperCase() + s.slice(1); }).join(' \u203a ');
}
const render = async (r, n, list) => list.append(...await Promise.all(r.hits.slice(0, n).map((h) => item(h, r.terms))));
function message(r, q) {
  const p = el('p', 'as-msg', !r.words.length ? 'Type a word to search.' : r.hits.length ?
    `${r.hits.length} result${r.hits.length === 1 ? '' : 's'} for \u201c${q}\u201d` : `No pages match \u201c${q}\u201d.`);
  if (r.unknown.length) {
    p.append(` Unknown: ${r.unknown.join(', ')}.`);
    if (r.suggest.length) {
      p.append(' Did you mean ');
      r.suggest.forEach((s, i) => { if (i) p.append(', '); el('a', 'as-suggest', s, p).href = resultsUrl(s); });
      p.append('?');
    }
  }
  return p;
}
function nav(list, input, e) { // arrow keys over results
  const links = [...list.querySelectorAll('a[data-result]')];
  let i = links.indexOf(document.activeElement);
  if (e.key === 'ArrowDown') i = Math.min(i + 1, links.length - 1);
  else if (e.key === 'ArrowUp') i--;
  else return;
  e.preventDefault();
  links.forEach((l, j) => l.parentNode.classList.toggle('as-on', j === i));
  (i < 0 ? input : links[i]).focus();
}
// Searches wait for a pause in typing: longer than the gap between the last keys (1.6 times their
// running average, 120-400 ms), so typing a word at human speed searches once, for the final text,
// and fetches no more than pasting it would; a search a newer keystroke overtakes stops fetching.
const debounce = (f, ms) => {
  let t, last = 0, gap = 0;
  return () => {
    const now = Date.now(), d = now - last;
    last = now;
    if (d < 1000) gap = gap ? 0.6 * gap + 0.4 * d : d;
    clearTimeout(t);
    t = setTimeout(f, gap ? Math.min(400, Math.max(ms, 1.6 * gap)) : ms);
  };
};
function resultsPage(box) {
  const inputs = [...document.querySelectorAll('input[data-search]')], input = inputs[0], form = input && input.form;
  const params = new URLSearchParams(location.search), sel = {};
  let seq = 0, shown = 10;
  if (!input) return;
  input.value = params.get('q') || '';
  const go = async (live) => {
    const my = ++seq, q = input.value.trim(), f = {}, u = new URL(location.href);
    for (const k in sel) f[k] = sel[k].value;
    delete box.dataset.searchDone;
    u.search = '';
    if (q) u.searchParams.set('q', q);
    for (const k in f) if (f[k]) u.searchParams.set(k, f[k]);
    if (u.href !== location.href) history.replaceState(null, '', u.href);
    const frag = document.createDocumentFragment();
    try {
      const r = await run(ix, q, { live, filter: f, stale: () => my !== seq });
      if (my !== seq) return;
      frag.append(message(r, q));
      await render(r, shown, el('ol', 'as-list', null, frag));
      if (r.hits.length > shown) el('button', 'as-more', 'More results', frag).onclick = () => { shown += 10; go(false); };
    } catch (err) {
      frag.append(el('p', 'as-msg', FAILED()));
    }
    if (my !== seq) return;
    box.replaceChildren(frag);
    box.dataset.searchDone = '';
  };
  ix.manifest().then((M) => {
    for (const [k, vals] of [['type', M.types], ['owner', M.owners], ['status', M.status]]) {
      let s = form && form.querySelector(`select[name=${k}]`);
      if (!s) {
        s = el('select', 'as-filter', null, form || input.parentNode);
        s.name = s.ariaLabel = k;
        for (const v of ['', ...vals]) if (v || !s.options.length) el('option', null, v || 'any ' + k, s).value = v;
      }
      s.value = params.get(k) || '';
      s.addEventListener('change', () => { shown = 10; go(false); });
      sel[k] = s;
    }
  }).catch(() => {}).then(() => go(false));
  const later = debounce(() => { shown = 10; go(true); }, 120);
  for (const inp of inputs) inp.addEventListener('input', () => { if (inp !== input) input.value = inp.value; later(); });
  if (form) form.addEventListener('submit', (e) => { e.preventDefault(); shown = 10; go(false); });
  box.addEventListener('keydown', (e) => nav(box, input, e));
  input.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') nav(box, input, e); });
}
function dropdown(input) { // the box on every other page
  const list = el('ul', 'as-drop', null, document.body);
  let seq = 0;
  list.hidden = true;
  const close = () => { list.hidden = true; };
  const show = () => {
    const r = input.getBoundingClientRect();
    list.style.cssText = `position:absolute;z-index:1000;list-style:none;margin:0;padding:0;overflow:auto;max-height:70vh;` +
      `left:${r.left + scrollX}px;top:${r.bottom + scrollY + 2}px;min-width:${Math.max(r.width, 280)}px`;
    list.hidden = false;
  };
  const go = debounce(async () => {
    const my = ++seq, q = input.value.trim(), ul = el('ul');
    if (FROM_DISK) { // say it at once, without trying to load the index
      el('li', 'as-item as-msg', FAILED(), ul);
      list.replaceChildren(...ul.childNodes);
      return show();
    }
    if (!q) return close();
    try {
      const r = await run(ix, q, { live: true, stale: () => my !== seq });
      if (my !== seq) return;
      await render(r, 8, ul);
      el('a', null, r.hits.length ? `All results for \u201c${q}\u201d` : `No pages match \u201c${q}\u201d`, el('li', 'as-item as-all', null, ul)).href = resultsUrl(q);
    } catch (err) {
      el('li', 'as-item', FAILED(), ul);
    }
    if (my === seq) { list.replaceChildren(...ul.childNodes); show(); }
  }, 80);
  input.addEventListener('input', go);
  if (FROM_DISK) input.addEventListener('focus', go);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'Enter') { e.preventDefault(); location.href = resultsUrl(input.value.trim()); }
    else if (!list.hidden) nav(list, input, e);
  });
  list.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); input.focus(); } else nav(list, input, e); });
  document.addEventListener('click', (e) => { if (e.target !== input && !list.contains(e.target)) close(); });
}
function init() {
  const box = document.querySelector('[data-search-results]');
  if (box) resultsPage(box);
  else document.querySelectorAll('input[data-search]').forEach(dropdown);
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) return;
    const b = document.querySelector('input[data-search]');
    if (b) { e.preventDefault(); b.focus(); b.select(); }
  });
}
document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', init) : init();
})();
