/* Almanac default theme: content tabs (MkDocs "=== \"Label\"" blocks). The page has every tab under
 * its label; this turns each set into a tab list (WAI-ARIA tabs: role tablist/tab/tabpanel, arrow
 * keys, Home and End move between tabs). Printing shows every tab again under its label. Loaded only
 * on pages with tabs (page.has_tabs). */
(function () {
  'use strict';
  var doc = document, sets = 0;
  function setup(set) {
    var blocks = Array.prototype.filter.call(set.children, function (c) { return c.classList.contains('tabbed-block'); });
    if (!blocks.length) return;
    var n = sets++, list = doc.createElement('div'), tabs = [], sel = 0;
    list.className = 'tabbed-tabs';
    list.setAttribute('role', 'tablist');
    blocks.forEach(function (b, i) {
      var label = b.querySelector(':scope > .tabbed-label'), id = 'tabs-' + n + '-' + i;
      var t = doc.createElement('button');
      t.type = 'button';
      t.id = id + '-tab';
      t.setAttribute('role', 'tab');
      t.setAttribute('aria-controls', id);
      t.innerHTML = label ? label.innerHTML.trim() : 'Tab ' + (i + 1);
      t.addEventListener('click', function () { select(i, true); });
      list.appendChild(t);
      tabs.push(t);
      b.id = id;
      b.setAttribute('role', 'tabpanel');
      b.setAttribute('aria-labelledby', t.id);
      b.tabIndex = 0;
      if (b.hasAttribute('data-selected') && !sel) sel = i;
    });
    function select(i, focus) {
      tabs.forEach(function (t, k) {
        t.setAttribute('aria-selected', k === i ? 'true' : 'false');
        t.tabIndex = k === i ? 0 : -1;
        blocks[k].hidden = k !== i;
      });
      if (focus) tabs[i].focus();
    }
    list.addEventListener('keydown', function (e) {
      var i = tabs.indexOf(doc.activeElement), k = -1;
      if (i < 0) return;
      if (e.key === 'ArrowRight') k = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft') k = (i - 1 + tabs.length) % tabs.length;
      else if (e.key === 'Home') k = 0;
      else if (e.key === 'End') k = tabs.length - 1;
      if (k < 0) return;
      e.preventDefault();
      select(k, true);
    });
    set.insertBefore(list, set.firstChild);
    set.classList.add('is-tabbed');
    select(sel, false);
  }
  function run() { Array.prototype.forEach.call(doc.querySelectorAll('.tabbed-set[data-tabs]'), setup); }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', run); else run();
})();
