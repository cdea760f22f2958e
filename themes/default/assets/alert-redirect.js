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
  /* the target may name the alert's heading on its runbook (runbook/#kubeapidown): the query goes
   * before it, and a fragment given to alerts/<Name>/ wins */
  var at = target.indexOf('#');
  var frag = at < 0 ? '' : target.slice(at);
  var folder = (at < 0 ? target : target.slice(0, at)).split('?')[0];
  /* opened from disk: a folder has no index of its own */
  var disk = location.protocol === 'file:' && folder.charAt(folder.length - 1) === '/';
  if (disk) folder += 'index.html';
  if (q || location.hash || disk) location.replace(folder + q + (location.hash || frag));
})();
