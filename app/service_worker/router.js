// The worker's little web server for /app/: match a route, read the form, answer with HTML.
// Changes to state run one at a time, so a double tap cannot record an answer twice.

import * as handlers from "./handlers.js";
import { h } from "./render.js";
import { setVoices } from "./device.js";

const ROUTES = {
  "GET /app/start": handlers.start,
  "GET /app/progress": handlers.progress,
  "GET /app/profiles": handlers.profiles,
  "GET /app/join": handlers.joinForm,
  "POST /app/join": handlers.joinClass,
  "POST /app/profiles/switch": handlers.switchProfile,
  "POST /app/check": handlers.check,
  "POST /app/hint": handlers.hint,
  "POST /app/next": handlers.next,
  "POST /app/reflect": handlers.reflect,
  "POST /app/settings": handlers.settings,
  "POST /app/sync": handlers.syncNow,
};
const READS = new Set(["GET /app/start", "GET /app/progress", "GET /app/profiles", "GET /app/join"]);
let queue = Promise.resolve();

function exclusive(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

function html(body, status = 200) {
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/** Answer one /app/ request from local state. */
export async function route(request) {
  const url = new URL(request.url);
  const key = `${request.method} ${url.pathname.replace(/\/+$/, "")}`;
  const handler = ROUTES[key];
  if (!handler) return html(h`<p class="warn" role="alert">Not found: ${url.pathname}</p>`.text, 404);
  const voicesHeader = request.headers.get("X-Abhyas-Voices");
  if (voicesHeader !== null && voicesHeader !== "?") await setVoices(voicesHeader.split(",").filter(Boolean));
  const form = request.method === "POST" ? await request.formData().catch(() => new FormData()) : url.searchParams;
  try {
    // "Start" may begin a set (and record "shown"), so even that read takes its turn.
    const body = READS.has(key) && key !== "GET /app/start" ? await handler(form) : await exclusive(() => handler(form));
    return html(body);
  } catch (err) {
    console.error("route", key, err);
    return html(h`<div data-screen="error" data-refresh="/app/start"><p class="warn" role="alert">Something went wrong: ${String(err && err.message || err)}</p>
<p><button type="button" hx-get="/app/start" hx-target="#app">Abhyas</button></p></div>`.text);
  }
}
