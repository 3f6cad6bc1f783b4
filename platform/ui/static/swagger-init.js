// Starts the vendored Swagger UI on /schema (kept out of the page: the CSP allows no inline script).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  window.ui = window.SwaggerUIBundle({
    url: "/schema/openapi.json",
    dom_id: "#swagger-container",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      // cookie-authenticated writes need the CSRF token (README: API)
      var match = document.cookie.match(/(?:^|; )xinfang_csrf=([^;]*)/);
      if (match) request.headers["X-CSRF-Token"] = decodeURIComponent(match[1]);
      return request;
    }
  });
});
