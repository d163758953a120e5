// The expert's scoring page: the live total of the points typed so far, a warning on a value out of
// the criterion's range (the server checks it again and answers with its message). Saving is
// static/js/autosave.js. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-points]");
  var total = document.querySelector("[data-total]");
  if (!inputs.length || !total) { return; }

  function value(input) {
    var text = (input.value || "").trim();
    if (text === "") { return 0; }
    var number = Number(text);
    return isFinite(number) ? number : NaN;
  }

  function update() {
    var sum = 0;
    var valid = true;
    inputs.forEach(function (input) {
      var number = value(input);
      var max = Number(input.dataset.max);
      var bad = isNaN(number) || number < 0 || number > max;
      input.classList.toggle("is-invalid", bad);
      if (bad) { valid = false; } else { sum += number; }
    });
    // Tenths only (the points have one decimal place): avoid 0.1 + 0.2 = 0.30000000000000004.
    total.textContent = (Math.round(sum * 10) / 10).toString();
    total.classList.toggle("text-danger", !valid);
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
