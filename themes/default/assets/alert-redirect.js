/* Almanac: alerts/<Name>/ is a redirect to the alert's runbook. An alerting
 * tool links it with the firing alert's labels (alerts/<Name>/?namespace=prod&pod=api-1):
 * this keeps the query (and adds alertname when it is missing) on the way, so the
 * runbook can show the labels and fill its commands (assets/alert-labels.js).
 * Without JavaScript the meta refresh still leads to the runbook, without labels. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me) return;
  var target = me.getAttribute('data-target'), alert = me.getAttribute('data-alert');
  if (!target) return;
  var q = location.search || '';
  if (q && alert && !/[?&]alertname=/.test(q)) q += '&alertname=' + encodeURIComponent(alert);
  var folder = target.split(/[?#]/)[0];
  /* opened from disk: a folder has no index of its own */
  if (location.protocol === 'file:' && folder.charAt(folder.length - 1) === '/') target = folder + 'index.html';
  if (q || location.hash) location.replace(target + q + (location.hash || ''));
})();
