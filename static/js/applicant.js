// Applicant pages: a form marked data-disable-on-submit disables its buttons once it is sent, so that a
// double click or a second tap on a slow phone does not send it twice. (The server is safe anyway: a
// second submission finds the application already moved on.) No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-disable-on-submit")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // Disable after this tick, so that the clicked button's name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        if (button.disabled) { return; }
        button.disabled = true;
        button.dataset.disabledOnSubmit = "1";
      });
    }, 0);
  });
  // Coming back with the browser's back button restores the page from its cache: enable the buttons again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[data-disabled-on-submit]").forEach(function (button) {
        button.disabled = false;
        delete button.dataset.disabledOnSubmit;
      });
    });
  });
})();
