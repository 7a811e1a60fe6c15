/* kpidesk site script: starts the charts and filters the complaint lists.
 * Chart options are JSON in <script type="application/json"> elements,
 * never code; this file is the only script the site runs besides ECharts. */
(function () {
  "use strict";

  function startCharts() {
    if (typeof echarts === "undefined") return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var option = JSON.parse(src.textContent);
      var unit = option.kpideskUnit || "";
      delete option.kpideskUnit;
      option.tooltip = option.tooltip || {};
      option.tooltip.valueFormatter = function (v) {
        return v === null || v === undefined || v === "-" ? "—" : v + unit;
      };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  // hashText returns the URL fragment without "#", percent-decoded. A
  // malformed fragment (say #%E0%A4%A) makes decodeURIComponent throw
  // URIError; it names no metric, so it reads as no filter.
  function hashText() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return "";
    }
  }

  // Drill-down pages: #metric shows only the complaints counted in that
  // metric; without JavaScript every row stays visible. The table lists its
  // metrics in data-filter, and each row the positions in that list of the
  // metrics it counts in (data-m), which keeps big pages small.
  function filter() {
    var table = document.querySelector("table[data-filter]");
    if (!table) return;
    var known = table.getAttribute("data-filter").split(" ");
    var m = hashText();
    var i = known.indexOf(m);
    if (i < 0) m = "";
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var ms = " " + (tr.getAttribute("data-m") || "") + " ";
      tr.hidden = m !== "" && ms.indexOf(" " + i + " ") < 0;
    });
    table.querySelectorAll("[data-col]").forEach(function (th) {
      th.classList.toggle("active", th.getAttribute("data-col") === m);
    });
    document.querySelectorAll("[data-metric]").forEach(function (a) {
      a.classList.toggle("active", a.getAttribute("data-metric") === m);
    });
  }

  function start() {
    startCharts();
    filter();
    window.addEventListener("hashchange", filter);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
