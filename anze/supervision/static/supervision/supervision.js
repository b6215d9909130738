// 打印 buttons (CSP forbids inline handlers).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-anze-print]");
  if (button) { event.preventDefault(); window.print(); }
});
