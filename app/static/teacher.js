// The teacher pages' only script: register the offline worker, say so when a change cannot be sent,
// and forget cached pages on sign-out.
(function () {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/teacher/sw.js", { scope: "/teacher/" }).catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[action$='/teacher/sign-out']") && navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var note = document.querySelector("[data-offline]");
    if (note) {
      note.hidden = false;
      note.textContent = note.getAttribute("data-send-error") || note.textContent;
    }
  });
})();
