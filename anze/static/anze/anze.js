// Small behaviours shared by every page; no inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Charts: any element with data-chart holds an ECharts option as JSON in a <script type="application/json">.
  function renderCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || el.dataset.rendered) return;
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.href = params.data.url;
      });
    });
  }
  // Confirm dangerous actions: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
  });
  // Forms that submit as soon as a <select data-autosubmit> changes (the language switcher); their
  // submit button, marked data-autosubmit-button, stays only for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (!select || !select.form) return;
    if (select.form.requestSubmit) select.form.requestSubmit();
    else select.form.submit();
  });
  function hideAutosubmitButtons(root) {
    root.querySelectorAll("[data-autosubmit-button]").forEach(function (button) { button.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); hideAutosubmitButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { renderCharts(event.target); });
})();
