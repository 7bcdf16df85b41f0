// Progressive enhancement only: every page works without this file.
// 1. A submit button is disabled after the first click, so a double click sends one form.
// 2. The daily report form keeps an unsent copy in this browser (localStorage) while typing.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  var button = event.submitter;
  if (button) { setTimeout(function () { button.disabled = true; }, 0); }
});
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.localStorage) { return; }
  var key = "gongyi-draft:" + form.dataset.autosave;
  var fields = form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea, select");
  var saved = localStorage.getItem(key);
  if (saved && form.dataset.fresh === "1") {
    try {
      var values = JSON.parse(saved);
      fields.forEach(function (f) { if (values[f.name] !== undefined && !f.value) { f.value = values[f.name]; } });
    } catch (e) { localStorage.removeItem(key); }
  }
  form.addEventListener("input", function () {
    var values = {};
    fields.forEach(function (f) { values[f.name] = f.value; });
    localStorage.setItem(key, JSON.stringify(values));
  });
  if (form.dataset.clear === "1") { localStorage.removeItem(key); }
})();
