// The chairman's ranking (董事长署名举荐): up and down buttons move a nominee and renumber the ranks.
// Without this script the rank inputs still work on their own.
(function () {
  "use strict";
  var list = document.querySelector(".nomination-list");
  if (!list) { return; }
  function renumber() {
    var items = list.querySelectorAll(".nomination-item");
    items.forEach(function (item, index) {
      var input = item.querySelector("input.nomination-rank");
      if (input) { input.value = String(index + 1); }
    });
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest(".nomination-up, .nomination-down");
    if (!button) { return; }
    var item = button.closest(".nomination-item");
    if (button.classList.contains("nomination-up") && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.classList.contains("nomination-down") && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else {
      return;
    }
    renumber();
    button.focus();
  });
})();
