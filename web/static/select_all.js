// Progressive enhancement for batch forms: a 全选 box checks or clears every box of its form.
// Without this file the page offers a 全选 link that reloads it with every box checked.
(function () {
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.dataset.selectAll;
    var boxes = function () {
      return document.querySelectorAll('input[type=checkbox][form="' + form + '"]');
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    document.addEventListener("change", function (event) {
      if (event.target.getAttribute && event.target.getAttribute("form") === form) {
        all.checked = Array.prototype.every.call(boxes(), function (box) { return box.checked; });
      }
    });
  });
})();
