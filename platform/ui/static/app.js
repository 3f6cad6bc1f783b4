// The pages' only script (the CSP allows no inline script): small progressive enhancements.
// Every form also works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A <select data-autosubmit> submits its form when changed (the acting-node picker).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  // The menu button on narrow screens.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-toggle-menu]") : null;
    if (!button) return;
    var open = document.body.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // A form with data-confirm="…" asks first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // HTMX: a refused partial update shows the server's Chinese message instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var text = "操作未完成,请稍后重试";
    try {
      var body = JSON.parse(event.detail.xhr.responseText);
      if (body && body.message) text = body.message;
    } catch (e) { /* an HTML answer: keep the general message */ }
    flash.textContent = text;
    flash.className = "flash error";
  });
})();
