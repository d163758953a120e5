// Charts of a questionnaire's results: the counts come from the page's JSON endpoint
// (data-chart-source) and each question's canvas (data-chart-question) is drawn with Chart.js, which
// the portal serves itself (vendor/chart.js). Marks each drawn canvas data-drawn="1".
(function () {
  "use strict";
  var source = document.querySelector("[data-chart-source]");
  if (!source || typeof window.Chart === "undefined") { return; }
  fetch(source.getAttribute("data-chart-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      data.questions.forEach(function (question) {
        var canvas = document.querySelector('[data-chart-question="' + question.id + '"]');
        if (!canvas) { return; }
        var rows = question.labels.length;
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: question.labels,
            datasets: [{ label: data.dataset_label, data: question.counts, backgroundColor: "rgba(13, 110, 253, 0.6)" }]
          },
          options: {
            indexAxis: question.horizontal ? "y" : "x",
            animation: false,
            aspectRatio: question.horizontal ? Math.max(1.2, 2.6 - rows * 0.2) : 2,
            plugins: { legend: { display: false } },
            scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
          }
        });
        canvas.setAttribute("data-drawn", "1");
      });
    })
    .catch(function (error) {
      source.setAttribute("data-chart-error", String(error));
    });
})();
