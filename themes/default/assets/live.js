/* live.js - live reload for `almanac serve` (the theme includes it only when
 * site.serve is true; `almanac build` never publishes a page that loads it).
 *
 * Listens to the server's Server-Sent Events at /__almanac/events. Each event
 * carries the status JSON: {"build": N, "ok": bool, "new": [...], ...}.
 *   - When a newer build is published, the page reloads and keeps its scroll
 *     position (saved in sessionStorage for this address).
 *   - When the last rebuild brought new problems ("new": diagnostics as
 *     "path:line:col: severity: message"), they are shown in an overlay until
 *     they are fixed; the page itself shows the edit (content errors do not
 *     hold the preview back). Only a rebuild that could not render the site
 *     leaves the last site served ("message" says why).
 * The build a page came from is read from its Server-Timing header
 * ("almanac;desc=build-N"), so a rebuild that lands between the page load and
 * this script's start is not missed. */
(function () {
  "use strict";
  if (!window.EventSource || !window.JSON) return;
  var KEY = "almanac-serve-scroll:" + location.pathname + location.search;

  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved) {
      sessionStorage.removeItem(KEY);
      var pos = JSON.parse(saved);
      var restore = function () { window.scrollTo(pos.x || 0, pos.y || 0); };
      if (document.readyState === "complete") restore();
      else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage disabled: the browser's own restoration still applies */ }

  function pageBuild() {
    try {
      var nav = performance.getEntriesByType("navigation")[0];
      var timings = (nav && nav.serverTiming) || [];
      for (var i = 0; i < timings.length; i++) {
        var m = /^build-(\d+)$/.exec(timings[i].description || "");
        if (timings[i].name === "almanac" && m) return parseInt(m[1], 10);
      }
    } catch (e) { /* no Server-Timing support: take the first status as ours */ }
    return null;
  }

  var shown = pageBuild();
  var box = null;
  var dismissed = null;

  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }

  function hide() {
    if (box && box.parentNode) box.parentNode.removeChild(box);
    box = null;
  }

  function show(st) {
    var list = st["new"] || [];
    var key = st.seq + ":" + list.join("\n");
    if (!list.length && st.ok) { hide(); return; }
    if (dismissed === key) return;
    hide();
    var bad = !st.ok;
    box = el("div", "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;max-height:50vh;" +
      "overflow:auto;padding:1rem 1.25rem;border-radius:6px;font:13px/1.5 ui-monospace,SFMono-Regular," +
      "Menlo,Consolas,monospace;box-shadow:0 4px 24px rgba(0,0,0,.35);color:#fff;background:" +
      (bad ? "#8b1c1c" : "#6b4e00"));
    box.setAttribute("data-almanac-overlay", bad ? "errors" : "warnings");
    box.setAttribute("role", "alert");
    var close = el("button", "float:right;margin-left:1rem;background:transparent;color:#fff;" +
      "border:1px solid rgba(255,255,255,.6);border-radius:4px;cursor:pointer;font:inherit", "hide");
    close.addEventListener("click", function () { dismissed = key; hide(); });
    box.appendChild(close);
    var title = st.message || (bad ? list.length + " new error" + (list.length === 1 ? "" : "s") :
      list.length + " new warning" + (list.length === 1 ? "" : "s"));
    box.appendChild(el("strong", "display:block;margin-bottom:.5rem", "almanac serve: " + title));
    var ul = el("ul", "margin:0;padding-left:1.25rem");
    for (var i = 0; i < list.length; i++) ul.appendChild(el("li", "white-space:pre-wrap", list[i]));
    box.appendChild(ul);
    (document.body || document.documentElement).appendChild(box);
  }

  function onStatus(ev) {
    var st;
    try { st = JSON.parse(ev.data); } catch (e) { return; }
    if (shown === null) shown = st.build;
    if (st.build !== shown) { reload(); return; }
    if (document.body) show(st);
    else document.addEventListener("DOMContentLoaded", function () { show(st); });
  }

  var source = new EventSource("/__almanac/events");
  source.addEventListener("hello", onStatus);
  source.addEventListener("build", onStatus);
})();
