/**
 * Polls /api/order-counts every two seconds and writes the numbers into the
 * elements marked `data-count="<STATUS>"` (and "total"); says so when the
 * order service does not answer, and sends the browser to sign in when the
 * session has ended. Plain browser JavaScript, served as it is.
 */
export const LIVE_COUNTS_SCRIPT = `'use strict';
(function () {
  var box = document.getElementById('live-counts');
  if (!box) return;
  var source = box.getAttribute('data-source');
  var status = box.querySelector('[data-count-status]');
  function show(counts) {
    var cells = box.querySelectorAll('[data-count]');
    for (var i = 0; i < cells.length; i++) {
      var key = cells[i].getAttribute('data-count');
      var value = key === 'total' ? counts.total : counts.byStatus[key];
      if (value !== undefined) cells[i].textContent = String(value);
    }
    if (status) status.textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  function poll() {
    fetch(source, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) { window.location.href = '/sign-in?next=' + encodeURIComponent(location.pathname + location.search); return null; }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (counts) { if (counts) show(counts); })
      .catch(function (error) { if (status) status.textContent = 'not updated: ' + error.message; })
      .finally(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
`;
