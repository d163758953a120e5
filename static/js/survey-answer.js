// The answer page of a questionnaire (and its preview): simple branching. A question marked
// data-show-if="<option id>" is shown only when that option is chosen in a question shown above it: the
// same walk as surveys/branching.py, which the server applies again when the answer is saved. The inputs
// of a hidden question are disabled, so they are not sent.
(function () {
  "use strict";
  function update(form) {
    var chosen = {};
    form.querySelectorAll("[data-question]").forEach(function (question) {
      var condition = question.getAttribute("data-show-if");
      var shown = !condition || chosen[condition] === true;
      question.hidden = !shown;
      question.querySelectorAll("input, textarea, select").forEach(function (input) {
        if (!input.hasAttribute("data-disabled-by-server")) { input.disabled = !shown; }
        if (shown && (input.type === "radio" || input.type === "checkbox") && input.checked) {
          chosen[input.value] = true;
        }
      });
    });
  }
  document.querySelectorAll("[data-survey-answer]").forEach(function (form) {
    form.querySelectorAll("input:disabled, textarea:disabled").forEach(function (input) {
      input.setAttribute("data-disabled-by-server", "");
    });
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
