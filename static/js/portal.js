// Portal behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // htmx: send Django's CSRF token with every request it makes.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
