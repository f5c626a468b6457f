// The page half of the student app. The service worker renders every screen; this file does
// what only a window can: register the worker, speak, play audio, ask for persistent
// storage, and pass on the network and voice facts the worker cannot see itself.
"use strict";
(function () {
  const FLUSH_EVERY_MS = 45000;
  const sw = navigator.serviceWorker;
  const app = () => document.getElementById("app");
  let voicesHeader = "?"; // "?" until the browser has listed its voices (it does so late)

  function post(message) {
    if (sw && sw.controller) sw.controller.postMessage(message);
  }

  // Languages with an installed on-device voice; the worker shows "Read aloud" from this.
  function localVoices() {
    if (!("speechSynthesis" in window)) return [];
    return speechSynthesis.getVoices().filter((v) => v.localService);
  }
  function refreshVoices(final) {
    if (!("speechSynthesis" in window) || (!speechSynthesis.getVoices().length && !final)) return;
    const langs = [...new Set(localVoices().map((v) => v.lang.toLowerCase().split(/[-_]/)[0]))].sort();
    const header = langs.join(",");
    if (header !== voicesHeader) {
      voicesHeader = header;
      post({ type: "voices", langs });
    }
  }

  function start(url = "/app/start") {
    if (!window.htmx) return;
    htmx.ajax("GET", url, { target: "#app", swap: "innerHTML" });
  }

  function controlled() {
    return new Promise((resolve) => {
      if (sw.controller) return resolve();
      sw.addEventListener("controllerchange", () => resolve(), { once: true });
      // A page loaded past an active worker (a hard reload, a worker that was starting up)
      // stays uncontrolled until the worker claims it: ask it to.
      sw.ready.then((registration) => {
        if (!sw.controller && registration.active) registration.active.postMessage({ type: "claim" });
      });
    });
  }

  async function boot() {
    if (!sw || !window.isSecureContext) {
      app().innerHTML = '<p class="warn">This browser cannot run Abhyas offline. Open it in Chrome over HTTPS.</p>';
      return;
    }
    sw.addEventListener("message", onMessage);
    // `/?screen=...` (the reload after an update) is for this one visit: a later reload draws the homework.
    if (new URLSearchParams(location.search).has("screen")) history.replaceState(null, "", "/");
    try {
      watchUpdates(await sw.register("/sw.js", { type: "module", scope: "/", updateViaCache: "none" }));
    } catch (err) {
      app().innerHTML = '<p class="warn">Could not start the offline app. Reload the page.</p>';
      return;
    }
    await controlled();
    refreshVoices();
    setTimeout(() => refreshVoices(true), 1500);
    // The worker draws the screen into the page it serves. A page from the server (a first
    // visit) shows the server's join form: the worker replaces it only for someone who joined.
    if (document.querySelector("#app [data-origin=server]")) start("/app/start?unless=join");
    post({ type: "flush", reason: "open" });
  }

  // A new version waits until the student is on an idle screen (never mid-item), then takes over.
  let waitingWorker = null;
  let reloading = false;
  function watchUpdates(registration) {
    const note = (worker) => {
      if (!worker) return;
      const check = () => { if (worker.state === "installed" && sw.controller) { waitingWorker = worker; applyUpdateIfIdle(); } };
      worker.addEventListener("statechange", check);
      check();
    };
    note(registration.waiting);
    registration.addEventListener("updatefound", () => note(registration.installing));
  }
  function applyUpdateIfIdle() {
    const screen = document.querySelector("#app [data-screen]");
    if (waitingWorker && screen && screen.dataset.refresh && !document.querySelector(".htmx-request")) {
      // The reload comes back to the idle screen the student is on then, not to the homework.
      sw.addEventListener("controllerchange", () => {
        if (reloading) return;
        reloading = true;
        const now = document.querySelector("#app [data-screen]");
        const name = now && now.dataset.screen;
        location.replace(name === "progress" || name === "profiles" ? `/?screen=${name}` : "/");
      }, { once: true });
      waitingWorker.postMessage({ type: "skip-waiting" });
      waitingWorker = null;
    }
  }

  function onMessage(event) {
    const data = event.data || {};
    if (data.type === "status") {
      const status = document.getElementById("sync-status");
      if (status && status.textContent !== data.text) status.textContent = data.text;
      keepWorkerAwake(data.held > 0);
    } else if (data.type === "refresh-if-idle") {
      refreshWanted = true;
      refreshIfIdle();
    } else if (data.type === "persist") {
      askPersist();
    }
  }

  // New sets or mastery arrived: redraw only a screen the student is not working on. News that
  // arrives while a screen is on its way (the last Next of a set) waits for it, then redraws it if
  // that screen is idle: an approval never needs a tab tap. Sync now's own open request does not count.
  let refreshWanted = false;
  function refreshIfIdle() {
    if (!refreshWanted) return;
    if (document.querySelector("#app .htmx-request, #app.htmx-request, #app form .htmx-request")) return;
    const screen = document.querySelector("#app [data-screen]");
    const url = screen && screen.dataset.refresh;
    refreshWanted = false;
    if (url) htmx.ajax("GET", url, { target: "#app", swap: "innerHTML" });
  }

  // While answers are held only in the worker's memory (the disk was full), a message every
  // 20 s keeps the browser from stopping an idle worker (about 30 s) and losing them; each
  // message also retries saving and sending them.
  let keepAlive = null;
  function keepWorkerAwake(on) {
    if (on && !keepAlive) keepAlive = setInterval(() => post({ type: "keepalive" }), 20000);
    if (!on && keepAlive) { clearInterval(keepAlive); keepAlive = null; }
  }

  let persistAsked = false;
  function askPersist() {
    if (persistAsked || !navigator.storage || !navigator.storage.persist) return;
    persistAsked = true;
    navigator.storage.persisted().then((done) => done || navigator.storage.persist()).catch(() => {});
  }

  function speak(button) {
    const lang = button.dataset.sayLang || "en";
    const voice = localVoices().find((v) => v.lang.toLowerCase().split(/[-_]/)[0] === lang);
    if (voice && button.dataset.sayText) {
      speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(button.dataset.sayText);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onend = () => button.removeAttribute("data-playing");
      button.setAttribute("data-playing", "voice");
      speechSynthesis.speak(utterance);
      return;
    }
    const audio = button.dataset.audio && document.getElementById(button.dataset.audio);
    if (audio) {
      audio.currentTime = 0;
      button.setAttribute("data-playing", "audio");
      audio.onended = () => button.removeAttribute("data-playing");
      audio.play().catch(() => button.removeAttribute("data-playing"));
    }
  }

  // A typed key ("/" or "−") goes in at the caret of the answer box the button names.
  function insertKey(button) {
    const input = document.getElementById(button.dataset.for);
    if (!input) return;
    const text = button.dataset.insert;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    if (text === "-") {
      input.value = input.value.startsWith("-") ? input.value.slice(1) : "-" + input.value;
    } else {
      input.value = input.value.slice(0, start) + text + input.value.slice(end);
      input.setSelectionRange(start + text.length, start + text.length);
    }
    input.focus();
  }

  document.addEventListener("click", (event) => {
    const say = event.target.closest("[data-say]");
    if (say) return speak(say);
    const key = event.target.closest("[data-insert]");
    if (key) insertKey(key);
  });

  // Before the worker runs (a first visit on a slow line) a tap on Join waits for it.
  document.addEventListener("htmx:confirm", (event) => {
    if (!sw || sw.controller) return;
    event.preventDefault();
    const button = event.detail.elt.querySelector ? event.detail.elt.querySelector("button[type=submit]") : null;
    if (button) button.setAttribute("aria-busy", "true");
    controlled().then(() => {
      if (button) button.removeAttribute("aria-busy");
      event.detail.issueRequest(true);
    });
  });

  // Switching the daily reminder on asks the browser (a window must ask) for notifications and a daily wake-up.
  document.addEventListener("change", (event) => {
    if (event.target.id !== "pref-reminder" || !sw) return;
    sw.ready.then(async (registration) => {
      if (!event.target.checked) return;
      if (window.Notification && Notification.permission === "default") await Notification.requestPermission();
      if (registration.periodicSync) {
        await registration.periodicSync.register("daily-reminder", { minInterval: 24 * 60 * 60 * 1000 }).catch(() => {});
      }
    });
  });

  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-Abhyas-Voices"] = voicesHeader;
  });

  document.addEventListener("htmx:afterSwap", () => {
    const marked = document.querySelector("#app [data-lang]");
    if (marked) {
      document.documentElement.lang = marked.dataset.lang;
      document.title = marked.dataset.title || document.title;
    }
    if (document.querySelector("#app [data-answer-saved]")) askPersist();
    applyUpdateIfIdle();
  });
  document.addEventListener("htmx:afterSettle", () => setTimeout(refreshIfIdle, 0));

  window.addEventListener("online", () => post({ type: "flush", reason: "online" }));
  window.addEventListener("offline", () => post({ type: "offline" }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) post({ type: "flush", reason: "visible" });
  });
  setInterval(() => { if (navigator.onLine) post({ type: "flush", reason: "timer" }); }, FLUSH_EVERY_MS);
  if ("speechSynthesis" in window) speechSynthesis.addEventListener("voiceschanged", () => refreshVoices(true));

  // A Join tapped before this file arrived (boot.js held it) is sent now that htmx can send it;
  // htmx:confirm above still waits for the worker. htmx wires forms on DOMContentLoaded: go after it.
  window.abhyasReady = true;
  function sendHeld() {
    for (const form of document.querySelectorAll("form[data-held]")) {
      form.removeAttribute("data-held");
      const button = form.querySelector("button[aria-busy]");
      if (button) button.removeAttribute("aria-busy");
      if (window.htmx) htmx.trigger(form, "submit");
    }
  }
  if (document.readyState === "complete") sendHeld();
  else document.addEventListener("DOMContentLoaded", () => setTimeout(sendHeld, 0), { once: true });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
