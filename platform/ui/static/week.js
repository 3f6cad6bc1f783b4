// The township-week pages (ledgers): a row edited in place that the server refuses (400, 409)
// comes back as the row's form with the reason; HTMX is told to show it instead of nothing.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var html = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0;
    if (html && (xhr.status === 400 || xhr.status === 409) && event.detail.target.closest("[data-swap-refusals]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
