// The question form: show the options box for choice questions and the number range for number
// questions only (the server ignores what does not apply to the kind).
(function () {
  "use strict";
  document.querySelectorAll("[data-question-form]").forEach(function (form) {
    var kind = form.querySelector("[name=kind]");
    if (!kind) { return; }
    function update() {
      form.querySelectorAll("[data-for-kinds]").forEach(function (block) {
        block.hidden = block.getAttribute("data-for-kinds").split(" ").indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
