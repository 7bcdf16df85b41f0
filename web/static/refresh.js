// Reload a page that shows a running flow (an element with data-refresh-seconds) so its state is current.
(function () {
  var marked = document.querySelector("[data-refresh-seconds]");
  if (!marked) return;
  var seconds = parseInt(marked.getAttribute("data-refresh-seconds"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
