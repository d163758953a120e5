// Audit pages. A form marked data-disable-on-submit disables its buttons once sent (a double click
// sends it once; the server is safe anyway). On the return for correction, typing a reason ticks its
// item. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-disable-on-submit") || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.id) { return; }
    var mark = document.querySelector("[data-return-mark='" + input.id + "']");
    if (mark && input.value.trim() !== "") { mark.checked = true; }
  });
})();
