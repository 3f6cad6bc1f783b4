// Campaigns and administration pages: small enhancements; every form works without them.
(function () {
  "use strict";

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  // The enable form: with a start date, show each phase's default dates (and the end date) as
  // placeholders-become-values in the empty fields, so the clerk sees and adjusts them.
  document.addEventListener("change", function (event) {
    var start = event.target;
    if (!(start instanceof HTMLInputElement) || start.id !== "starts-on" || !/^\d{4}-\d{2}-\d{2}$/.test(start.value)) return;
    var form = start.form;
    var end = form.querySelector("#ends-on");
    if (end && !end.value) end.value = addDays(start.value, Number(end.dataset.days) - 1);
    form.querySelectorAll("input[data-offset]").forEach(function (input) {
      if (!input.value || input.dataset.filled === "1") {
        input.value = addDays(start.value, Number(input.dataset.offset));
        input.dataset.filled = "1";
      }
    });
  });

  // The scope picker: the whole county and some of its townships exclude each other.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) return;
    var picker = box.closest(".tree-picker");
    if (!picker) return;
    if (box.hasAttribute("data-scope-all")) {
      picker.querySelectorAll("input[data-scope-part]").forEach(function (b) { b.checked = false; });
    } else if (box.hasAttribute("data-scope-part")) {
      picker.querySelectorAll("input[data-scope-all]").forEach(function (b) { b.checked = false; });
    }
  });
})();
