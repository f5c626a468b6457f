// Inlined in the shell's head, so it runs the moment the page arrives on a slow line, before
// the deferred scripts: start the service worker now, and hold a Join tap until app.js can send it.
(function () {
  var sw = navigator.serviceWorker;
  if (sw && window.isSecureContext) {
    // After the first frame, so the form paints first.
    requestAnimationFrame(function () {
      setTimeout(function () {
        sw.register("/sw.js", { type: "module", scope: "/", updateViaCache: "none" }).catch(function () {});
      }, 0);
    });
  }
  document.addEventListener("submit", function (event) {
    if (window.abhyasReady) return;
    event.preventDefault();
    event.target.setAttribute("data-held", "");
    var button = event.target.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-busy", "true");
  }, true);
})();
