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
  // Long selects (hundreds of enterprises, scores of units) get a box that filters their options as one types.
  var SEARCHABLE_FROM = 12;
  function searchableSelects(root) {
    root.querySelectorAll("select").forEach(function (select) {
      if (select.dataset.searchReady || select.hasAttribute("data-no-search") || select.options.length <= SEARCHABLE_FROM) return;
      select.dataset.searchReady = "1";
      var box = document.createElement("input");
      box.type = "search";
      box.className = "form-control form-control-sm mb-1 anze-select-search";
      box.placeholder = document.documentElement.lang === "en" ? "Type to filter…" : "输入文字筛选…";
      box.setAttribute("aria-label", box.placeholder);
      box.addEventListener("input", function () {
        var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var text = option.text.toLowerCase();
          var shown = option.value === "" || words.every(function (w) { return text.indexOf(w) !== -1; });
          option.hidden = !shown;
          if (shown && option.value !== "" && first === null) first = option;
        });
        if (!select.multiple && first && select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = first.value;
      });
      select.parentNode.insertBefore(box, select);
    });
  }
  // Parts of a form that apply only to some values of a select: <div data-show-when="kind"
  // data-show-values="recurring coverage">. A part holding an error stays visible.
  function showDependent(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (el) {
      var form = el.closest("form");
      var select = form && form.elements[el.dataset.showWhen];
      if (!select) return;
      var wanted = el.dataset.showValues.split(" ").indexOf(select.value) >= 0;
      el.hidden = !wanted && !el.querySelector(".invalid-feedback");
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.form) showDependent(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    renderCharts(document);
    hideAutosubmitButtons(document);
    searchableSelects(document);
    showDependent(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) { renderCharts(event.target); searchableSelects(event.target); });
})();
