// The teacher's service worker (scope /teacher/): network first for pages and assets, and
// when the network fails, the copy from the last visit, with its "offline" note shown.
// It never touches POSTs, CSV downloads, no-store responses or anything of the student app.
const CACHE = "abhyas-teacher-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("abhyas-teacher-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  // Sent on sign-out: nothing of the class stays on the phone.
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});

function kind(url) {
  if (url.origin !== self.location.origin) return null;
  if (url.pathname.startsWith("/teacher/") && !url.pathname.endsWith(".csv") && url.pathname !== "/teacher/sw.js") return "page";
  if (url.pathname.startsWith("/static/")) return "asset";
  return null;
}

async function networkFirst(request, what) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A download marked no-store (a student's data export) must not outlive its download on the phone.
    const noStore = /no-store/.test(response.headers.get("Cache-Control") || "");
    if (response.ok && response.type === "basic" && !request.headers.get("HX-Request") && !noStore) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const saved = await cache.match(request, { ignoreVary: true });
    if (!saved) {
      if (what !== "page") throw error;
      return new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<title>Offline</title><p>Offline, and this page was not opened before on this phone.</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    if (what !== "page" || !(saved.headers.get("Content-Type") || "").includes("text/html")) return saved;
    const html = (await saved.text()).replace(" data-offline hidden>", " data-offline>");
    return new Response(html, { status: 200, headers: saved.headers });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const what = kind(new URL(request.url));
  if (what) event.respondWith(networkFirst(request, what));
});
