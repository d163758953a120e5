// The statistics page (统计分析): draws each table's chart from the page's JSON endpoint with Chart.js.
// The tables beside the charts hold every figure (the charts are decoration, hidden from screen readers);
// a click on a bar opens the same list its table's number links to. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var root = document.getElementById("statistics");
  if (!root || typeof window.Chart === "undefined") { return; }

  function unitOf(spec) { return spec.unit || ""; }

  function draw(spec) {
    var canvas = root.querySelector("canvas[data-chart='" + spec.key + "']");
    if (!canvas) { return; }
    if (spec.horizontal) {
      // One bar of each dataset per row: a long table (many meetings) gets a tall chart.
      canvas.parentElement.style.height = Math.max(12, spec.labels.length * (1 + spec.datasets.length) + 4) + "rem";
    }
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) { return { label: dataset.label, data: dataset.data }; })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: spec.stacked, beginAtZero: true },
          y: { stacked: spec.stacked, beginAtZero: true }
        },
        plugins: {
          legend: { display: spec.datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = spec.horizontal ? item.parsed.x : item.parsed.y;
                return item.dataset.label + ": " + value + unitOf(spec);
              }
            }
          }
        },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var url = spec.datasets[elements[0].datasetIndex].urls[elements[0].index];
          if (url) { window.location.assign(url); }
        },
        onHover: function (event, elements) {
          var target = event.native && event.native.target;
          if (target) { target.style.cursor = elements.length ? "pointer" : "default"; }
        }
      }
    });
    canvas.dataset.drawn = "1";
    return chart;
  }

  function failed() {
    var note = document.createElement("p");
    note.className = "alert alert-warning";
    note.setAttribute("role", "status");
    note.textContent = root.dataset.error;
    root.insertBefore(note, root.firstChild);
  }

  fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      data.charts.forEach(draw);
      root.dataset.chartsDrawn = "1";
    })
    .catch(failed);
})();
