// The student's server on the phone. It caches the shell, verifies and caches packs, answers
// every /app/ request from IndexedDB and the packs, and sends the outbox when it can.
// Updates wait until the page is idle, and a set keeps the pack versions it started with.

import { SHELL, VERSION } from "./sw/version.js";
import { page, route } from "./sw/router.js";
import { onStatusChange, remindIfDue, statusText } from "./sw/handlers.js";
import { setVoices } from "./sw/device.js";
import { deviceLocale } from "./sw/i18n.js";
import { PACK_CACHE, PackError, prefetchPublished, warmDocs } from "./sw/packs.js";
import { put } from "./sw/store.js";
import { flushAll, onSyncChange } from "./sw/sync.js";
import { heldCount } from "./sw/outbox.js";

const SHELL_CACHE = `abhyas-shell-${VERSION}`;

// The page has just downloaded these files: a versioned file comes from the HTTP cache as it
// is; the others are revalidated (their ETag is a content hash, so a 304 costs a round trip, not the bytes).
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: /-\d+\.\d+\.\d+\.min\.js$/.test(url) ? "default" : "no-cache" })));
}

async function activate() {
  for (const name of await caches.keys()) {
    if (name.startsWith("abhyas-shell-") && name !== SHELL_CACHE) await caches.delete(name);
  }
  await self.clients.claim();
}

// The packs come down while the student types the class code, so joining costs one request.
let prefetching = null;
let prefetchedAt = 0;
function prefetch() {
  if (Date.now() - prefetchedAt < 60000) return Promise.resolve(); // the install just did it
  if (!prefetching) {
    const locales = [...new Set(["en", deviceLocale()])];
    prefetching = prefetchPublished(locales).then(() => {
      prefetchedAt = Date.now();
      return warmDocs(locales).catch(() => {});
    }, async (err) => {
      if (err instanceof PackError && err.kind === "space") await put("meta", { short: true, at: Date.now() }, "storage");
    }).finally(() => { prefetching = null; });
  }
  return prefetching;
}

async function broadcast(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

async function broadcastStatus() {
  // `held`: answers kept only in this worker's memory (a full disk); the page keeps the worker awake meanwhile.
  broadcast({ type: "status", text: await statusText(), held: heldCount() });
}

async function fromShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const any = await caches.match(request, { ignoreSearch: true });
  return any || fetch(request);
}

// Icons and the web app manifest are not on the way to a question: kept when first seen.
async function keepWhenSeen(request) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function packFile(request) {
  const cache = await caches.open(PACK_CACHE);
  return (await cache.match(request.url)) || fetch(request);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
  // A first visit: nobody is mid-set, so the packs start down beside the shell, not after it.
  if (!self.registration.active) prefetch();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
  // After activation, outside waitUntil: the page's first requests must not wait for downloads.
  setTimeout(() => { prefetch(); flushAll({ reason: "activate" }); }, 0);
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/app" || url.pathname.startsWith("/app/")) {
    event.respondWith(route(event.request).finally(() => broadcastStatus()));
  } else if (event.request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(fromShell(new Request("/")).then((shell) => page(shell, url.searchParams.get("screen") || "")));
  } else if (event.request.method === "GET" && url.pathname.startsWith("/packs/files/")) {
    event.respondWith(packFile(event.request));
  } else if (event.request.method === "GET" && SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(event.request));
  } else if (event.request.method === "GET" && (url.pathname.startsWith("/static/icons/") || url.pathname === "/manifest.webmanifest")) {
    event.respondWith(keepWhenSeen(event.request));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "flush") event.waitUntil(flushAll({ reason: data.reason || "page" }).then(broadcastStatus));
  else if (data.type === "voices") event.waitUntil(setVoices(data.langs));
  else if (data.type === "skip-waiting") self.skipWaiting();
  else if (data.type === "claim") event.waitUntil(self.clients.claim());
  else if (data.type === "keepalive") event.waitUntil(flushAll({ reason: "held" }).catch(() => {}).then(broadcastStatus));
});

// Background Sync: the browser wakes the worker when a connection returns, even with the app closed.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(flushAll({ force: true, reason: "background" }).then((results) => {
    if (Object.values(results || {}).some((r) => r && r.failed)) throw new Error("sync failed; the browser retries");
  }));
});

// The optional daily reminder of an installed app: the browser wakes the worker about once a day.
self.addEventListener("periodicsync", (event) => {
  if (event.tag === "daily-reminder") event.waitUntil(remindIfDue().catch(() => false));
});
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((open) => (open[0] ? open[0].focus() : self.clients.openWindow("/"))));
});

onStatusChange(broadcastStatus);
onSyncChange((change) => {
  broadcastStatus();
  if (change.changed) broadcast({ type: "refresh-if-idle" });
});

// A worker starting up (the browser restarts it often) sends what is waiting.
setTimeout(() => flushAll({ reason: "start" }).catch(() => {}), 2000);
