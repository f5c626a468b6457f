// The in-class tally on a flaky connection. Each tap gets its own id and goes into a queue kept on
// the phone (localStorage), so the count shows at once and nothing is lost when the signal drops or
// the page is reloaded; the queue is sent in order when the connection allows, and the server counts
// a tap id once, so a tap sent twice (its answer lost on the way back) is never counted twice.
// Without this script the buttons are plain forms and still count, one page load per tap.
(function () {
  var list = document.querySelector(".tally-list[data-queue]");
  if (!list || !window.localStorage || !window.fetch || !window.JSON) return;
  var KEY = list.getAttribute("data-queue");
  var COUNTS = KEY + ":counts";
  var DAY = list.getAttribute("data-day");
  var note = document.getElementById("tally-note");
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  var RETRY_MS = 5000;
  var sending = false;
  var signedOut = false;  // the session ended: the taps wait until the teacher signs in and opens the tally again

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full storage: the tap stays on screen only */ }
  }
  function queue() { return read(KEY, []); }

  // The last count the server confirmed per student today: a page from the offline cache may be older.
  function confirmed() {
    var saved = read(COUNTS, {});
    return saved.day === DAY ? saved.counts || {} : {};
  }
  function confirm(student, count) {
    var counts = confirmed();
    counts[student] = Math.max(count, counts[student] || 0);
    write(COUNTS, { day: DAY, counts: counts });
  }

  function tapId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);  // unlike randomUUID, available on a plain-http school server too
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fill(template, n) { return template.replace("{n}", String(n)); }

  function show() {
    var waiting = queue();
    var known = confirmed();
    list.querySelectorAll("li[data-student]").forEach(function (row) {
      var student = row.getAttribute("data-student");
      var pending = waiting.filter(function (t) { return t.student === student && t.day === DAY; }).length;
      var count = Math.max(parseInt(row.getAttribute("data-count"), 10) || 0, known[student] || 0) + pending;
      var form = plural && plural.select(count) === "one" ? "data-today-one" : "data-today-other";
      row.querySelector("output").textContent = fill(list.getAttribute(form), count);
      var wait = row.querySelector(".tally-wait");
      wait.hidden = pending === 0;
      wait.textContent = pending ? fill(list.getAttribute("data-row-waiting"), pending) : "";
    });
    if (note) {
      if (waiting.length) {
        note.textContent = fill(note.getAttribute("data-waiting"), waiting.length) +
          (signedOut ? " " + note.getAttribute("data-sign-in") : "");
        note.hidden = false;
      } else if (!note.hidden) {
        note.textContent = note.getAttribute("data-sent");
      }
    }
  }

  // Send the queue oldest first; stop at the first failure and try again later (same ids, so no double count).
  function send() {
    var waiting = queue();
    if (sending || !waiting.length) return;
    sending = true;
    var tap = waiting[0];
    fetch(tap.url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded",
                 "X-CSRF-Token": list.getAttribute("data-csrf") },
      body: "tap=" + encodeURIComponent(tap.id) + "&at=" + tap.at
    }).then(function (response) {
      if (response.ok) {
        signedOut = false;
        return response.json().then(function (body) {
          if (body.day === DAY) confirm(tap.student, body.count);
          return true;
        });
      }
      // A student no longer in the class, or a tap the server cannot read, will never count: let it go.
      // Anything else (signed out, an expired form, a server error) keeps the tap for the next try.
      if (response.type === "opaqueredirect" || response.status === 400 || response.status === 401) signedOut = true;
      return response.status === 404 || response.status === 422;
    }).catch(function () { return false; }).then(function (done) {
      sending = false;
      if (done) write(KEY, queue().filter(function (t) { return t.id !== tap.id; }));
      show();
      if (done) send();
    });
  }

  list.addEventListener("submit", function (event) {
    var row = event.target.closest("li[data-student]");
    if (!row) return;
    event.preventDefault();
    var waiting = queue();
    waiting.push({ id: tapId(), student: row.getAttribute("data-student"), url: event.target.action,
                   at: Date.now(), day: DAY });
    write(KEY, waiting);
    show();
    send();
  });

  window.addEventListener("online", send);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) send(); });
  setInterval(send, RETRY_MS);
  show();
  send();
})();
