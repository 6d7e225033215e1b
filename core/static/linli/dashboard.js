/* Draws the dashboard's trend charts with the vendored Chart.js.
 * Each chart is a <canvas data-chart="ID"> next to <script type="application/json" id="ID">
 * holding {type, labels, datasets: [{label, data}]} (written by linli_index.html). */
(function () {
  "use strict";
  var COLOURS = ["#0b6e4f", "#1f77b4", "#e07b00", "#8e44ad", "#c62828", "#5d6d7e"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var bar = spec.type === "bar";
    var datasets = spec.datasets.map(function (set, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: colour,
        backgroundColor: bar ? colour : colour + "33",
        fill: !bar,
        tension: 0.25,
      };
    });
    new window.Chart(canvas, {
      type: bar ? "bar" : "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  function init() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
