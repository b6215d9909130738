// The exam's countdown. The server keeps the real deadline (answers after it are refused and the attempt is
// handed in); this only shows the time left and, at zero, opens the result page, which hands the paper in.
(function () {
  "use strict";
  var timer = document.querySelector(".anze-timer[data-seconds-left]");
  if (!timer) return;
  var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timer.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(s);
    timer.classList.toggle("text-danger", left <= 300);
    if (left === 0) {
      window.location.assign(timer.dataset.expiredUrl);
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
