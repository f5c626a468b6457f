// The worker's little web server for /app/: match a route, read the form, answer with HTML.
// Requests are handled one at a time, so a double tap cannot record an answer twice.

import * as handlers from "./handlers.js";
import { drawChrome, drawPage, esc, h } from "./render.js";
import { setVoices } from "./device.js";
import { importFile, importScreen } from "./screen_import.js";

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
  "GET /app/import": importScreen,
  "POST /app/import": importFile,
};
// Answering an item changes nothing in the bar or the switches: leave them be.
const IN_ITEM = new Set(["POST /app/check", "POST /app/hint", "POST /app/next", "POST /app/reflect"]);
// A sync may take long on a slow network; it renders nothing, so it need not wait its turn.
const UNORDERED = new Set(["POST /app/sync"]);
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
    // Screens are drawn one at a time: "start" may begin a set (and record "shown"), and a
    // double tap on Check must not grade twice against the same state.
    const run = () => { drawChrome(!IN_ITEM.has(key)); return handler(form); };
    const body = UNORDERED.has(key) ? await handler(form) : await exclusive(run);
    return body === null ? new Response(null, { status: 204 }) : html(body);
  } catch (err) {
    console.error("route", key, err);
    return html(h`<div data-screen="error" data-refresh="/app/start"><p class="warn" role="alert">Something went wrong: ${String(err && err.message || err)}</p>
<p><button type="button" hx-get="/app/start" hx-target="#app">Abhyas</button></p></div>`.text);
  }
}

// Screens a navigation may ask for by name (`/?screen=progress`): the page reloading after a
// shell update asks for the idle screen the student was on. Anything else draws the homework.
const PAGES = new Map([["progress", handlers.progress], ["profiles", handlers.profiles]]);

/**
 * The shell with the student's current screen already in it, so a visit (offline above all)
 * shows the question in its first paint, with no second request.
 */
export async function page(shellResponse, screenName = "") {
  const shell = await shellResponse.text();
  let parts;
  try {
    parts = await exclusive(async () => {
      drawPage(true);
      try {
        return await (PAGES.get(screenName) || handlers.start)();
      } finally {
        drawPage(false);
      }
    });
  } catch (err) {
    console.error("page", err);
    return new Response(shell, { headers: shellResponse.headers });
  }
  const status = await handlers.statusText().catch(() => "");
  const html = shell
    .replace(/<html lang="[^"]*"/, `<html lang="${esc(parts.lang)}"`)
    .replace(/<title>[^<]*<\/title>/, `<title>${esc(parts.title)} · Abhyas</title>`)
    .replace(/<header id="bar">[\s\S]*?<\/header>/, () => parts.bar)
    .replace(/<p id="sync-status"([^>]*)><\/p>/, (m, attrs) => `<p id="sync-status"${attrs}>${esc(status)}</p>`)
    .replace(/<span id="sync-action"><\/span>/, () => parts.action)
    .replace(/<main id="app"([^>]*)>[\s\S]*?<\/main>/, (m, attrs) => `<main id="app"${attrs}>${parts.main}</main>`)
    .replace(/<footer id="prefs"><\/footer>/, () => parts.prefs);
  const headers = new Headers(shellResponse.headers);
  headers.set("Cache-Control", "no-store");
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  headers.delete("ETag");
  return new Response(html, { status: 200, headers });
}
