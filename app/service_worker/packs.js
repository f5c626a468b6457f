// Packs on the phone: fetch a signed manifest, check its Ed25519 signature against the
// publisher keys, fetch each file and check its SHA-256 against its name before caching
// it. Files are content-addressed, so one cache holds every version; a version stays
// installed while a set in progress still uses it.

import { all, get, isQuotaError, put } from "./store.js";

export const PACK_CACHE = "abhyas-packs-v1";
const docs = new Map();
const b64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A pack failure the student can be told about; `kind` is "space", "trust" or "network". */
export class PackError extends Error {
  constructor(kind, message) { super(message); this.kind = kind; }
}

function versionKey(version) {
  return String(version).split(".").map((p) => Number(p) || 0);
}

/** Negative, zero or positive as version a sorts before, with or after b. */
export function compareVersions(a, b) {
  const x = versionKey(a), y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  }
  return 0;
}

/** The publisher keys, refreshed from the server when online and kept for offline use. */
export async function publisherKeys(refresh = false) {
  let keys = await get("meta", "keys");
  if (!keys || refresh) {
    try {
      const response = await fetch("/packs/keys.json", { cache: "no-store" });
      if (response.ok) {
        keys = (await response.json()).keys || [];
        await put("meta", keys, "keys");
      }
    } catch (_) { /* offline: the stored keys still verify */ }
  }
  return keys || [];
}

/** Check a manifest envelope's signature; return its parsed body or throw PackError("trust"). */
export async function verifyManifest(envelope, keys) {
  const key = keys.find((k) => k.key_id === envelope.key_id);
  if (!key || envelope.alg !== "Ed25519") throw new PackError("trust", `unknown publisher key ${envelope.key_id}`);
  const publicKey = await crypto.subtle.importKey("raw", b64(key.public), { name: "Ed25519" }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, b64(envelope.signature),
    new TextEncoder().encode(envelope.body));
  if (!ok) throw new PackError("trust", "manifest signature does not verify");
  const body = JSON.parse(envelope.body);
  if (body.key_id && body.key_id !== envelope.key_id) throw new PackError("trust", "manifest names another key");
  return body;
}

/** Fetch a pack file unless cached, check its SHA-256 against its entry, cache it; the bytes fetched (0 when cached). */
export async function fetchVerified(cache, entry) {
  const url = `/packs/${entry.path}`;
  const cached = await cache.match(url);
  if (cached) return 0;
  const response = await fetch(url);
  if (!response.ok) throw new PackError("network", `${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== entry.sha256) {
    throw new PackError("trust", `${entry.sha256}: content does not match its hash`);
  }
  const type = entry.path.endsWith(".json") ? "application/json" : "audio/ogg";
  try {
    await cache.put(url, new Response(bytes, { headers: { "Content-Type": type, "Content-Length": String(bytes.byteLength) } }));
  } catch (err) {
    if (isQuotaError(err)) throw new PackError("space", "storage full");
    throw err;
  }
  return bytes.byteLength;
}

/** Room left on the phone in bytes (Infinity when the browser cannot tell). */
export async function freeSpace() {
  if (!navigator.storage || !navigator.storage.estimate) return Infinity;
  const { quota, usage } = await navigator.storage.estimate();
  return quota ? quota - (usage || 0) : Infinity;
}

export const MARGIN = 5 * 1024 * 1024; // keep room for answers and the browser's own needs

const installing = new Map(); // "pack@version" -> promise, so a prefetch and a sync never fetch twice

/** Install one pack version ({pack, version, manifest URL, envelope?}), checking space, signature and hashes. */
export function installPack(entry) {
  const key = `${entry.pack}@${entry.version}`;
  if (!installing.has(key)) {
    installing.set(key, install(entry).finally(() => installing.delete(key)));
  }
  return installing.get(key);
}

// What a first question needs goes out first: on HTTP/1.1 a phone opens six connections, and
// a 2-second line makes each wave of requests cost a round trip.
function firstNeeded(entry, locales) {
  return entry.role === "meta" || entry.role === "items" || (entry.role === "text" && locales.includes(entry.locale));
}

async function install({ manifest: manifestUrl, envelope = null, firstLocales = ["en"] }) {
  if (!envelope) {
    const response = await fetch(manifestUrl);
    if (!response.ok) throw new PackError("network", `${manifestUrl}: HTTP ${response.status}`);
    envelope = await response.json();
  }
  const key = (b) => `${b.pack}@${b.version}`;
  let body;
  try {
    body = await verifyManifest(envelope, await publisherKeys());
  } catch (err) {
    if (!(err instanceof PackError)) throw err;
    body = await verifyManifest(envelope, await publisherKeys(true));
  }
  const existing = await get("packs", key(body));
  if (existing && existing.complete) return existing;
  const files = body.files || [];
  const need = files.reduce((sum, f) => sum + (f.bytes || 0), 0);
  if (await freeSpace() < need * 2 + MARGIN) throw new PackError("space", "storage almost full");
  const cache = await caches.open(PACK_CACHE);
  await Promise.all(files.filter((f) => firstNeeded(f, firstLocales)).map((entry) => fetchVerified(cache, entry)));
  await Promise.all(files.filter((f) => !firstNeeded(f, firstLocales)).map((entry) => fetchVerified(cache, entry)));
  const record = { key: key(body), pack: body.pack, version: body.version, body, envelope, complete: true,
                   installedAt: Date.now(), audio: {} };
  await put("packs", record);
  forgetDocs();
  return record;
}

/**
 * Fetch the published packs before anyone joined (or after an update), so that joining
 * needs only the join and one sync: the index carries the signed manifests themselves.
 */
export async function prefetchPublished(firstLocales = ["en"]) {
  const [response] = await Promise.all([fetch("/packs/index.json", { cache: "no-store" }), publisherKeys(true)]);
  if (!response.ok) throw new PackError("network", `/packs/index.json: HTTP ${response.status}`);
  const newest = await newestVersions();
  const wanted = ((await response.json()).packs || []).filter((p) => newest[p.pack] !== p.version);
  const results = await Promise.allSettled(wanted.map((p) => installPack(
    { pack: p.pack, version: p.version, envelope: p.manifest, firstLocales })));
  const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
  if (failed.some((err) => err instanceof PackError && err.kind === "space")) throw new PackError("space", "storage almost full");
  return wanted.length - failed.length;
}

let installedCache = null; // read the records once per change, not on every screen

/** Every complete installed pack version. */
export async function installed() {
  if (!installedCache) installedCache = (await all("packs")).filter((r) => r.complete);
  return installedCache;
}

/** The newest installed version of each pack: {pack: version}. */
export async function newestVersions() {
  const newest = {};
  for (const r of await installed()) {
    if (!newest[r.pack] || compareVersions(r.version, newest[r.pack]) > 0) newest[r.pack] = r.version;
  }
  return newest;
}

/** A cached pack document, parsed. */
export async function readDoc(path) {
  const response = await caches.match(`/packs/${path}`);
  if (!response) throw new PackError("network", `missing pack file ${path}`);
  return response.json();
}

/** The documents of one installed pack version: meta, items by id, text by locale (and Roman text when asked). */
export async function packDocs(pack, version, locales = ["en"], romanLocales = []) {
  const key = `${pack}@${version}`;
  let loaded = docs.get(key);
  if (!loaded) {
    const record = (await installed()).find((r) => r.key === key);
    if (!record) return null;
    loaded = { pack, version, body: record.body, audio: record.audio || {}, meta: null, items: {}, text: {}, roman: {} };
    for (const entry of record.body.files || []) {
      if (entry.role === "meta") loaded.meta = await readDoc(entry.path);
      else if (entry.role === "items") for (const item of (await readDoc(entry.path)).items) loaded.items[item.id] = item;
    }
    docs.set(key, loaded);
  }
  // Text is read per locale when first needed: a screen needs its language and English.
  for (const entry of loaded.body.files || []) {
    if (entry.role === "text" && locales.includes(entry.locale) && !loaded.text[entry.locale]) {
      loaded.text[entry.locale] = await readDoc(entry.path);
    }
    if (entry.role === "roman" && romanLocales.includes(entry.locale) && !loaded.roman[entry.locale]) {
      loaded.roman[entry.locale] = await romanDoc(entry);
    }
  }
  return loaded;
}

/** Read the newest packs' documents into memory ahead of need, so a first question after joining does not wait on parsing. */
export async function warmDocs(locales) {
  for (const [pack, version] of Object.entries(await newestVersions())) await packDocs(pack, version, locales);
}

/**
 * A locale's text in Roman letters ("Read in Roman letters"). The install caches it with the
 * pack's other files; should it be missing, it is fetched and checked like them. Offline and
 * missing, it is null and the screens keep the native script.
 */
async function romanDoc(entry) {
  try {
    await fetchVerified(await caches.open(PACK_CACHE), entry);
    return await readDoc(entry.path);
  } catch (_) {
    return null;
  }
}

/** Forget parsed documents and the installed list (after an install or a clean-up). */
export function forgetDocs() {
  docs.clear();
  installedCache = null;
}

/**
 * The content a set is played with, in one locale (and English to fall back on): for each
 * pack the pinned version when the set pinned one, else the newest.
 */
export async function contentFor(pins = {}, locale = "en", { roman = false } = {}) {
  const newest = await newestVersions();
  const keys = new Set((await installed()).map((r) => r.key));
  const chosen = [];
  for (const pack of Object.keys(newest)) {
    const version = pins[pack] && keys.has(`${pack}@${pins[pack]}`) ? pins[pack] : newest[pack];
    const d = await packDocs(pack, version, [...new Set([locale, "en"])], roman ? [locale] : []);
    if (d) chosen.push(d);
  }
  const find = (id) => chosen.find((d) => d.items[id]);
  return {
    packs: chosen,
    versions: Object.fromEntries(chosen.map((d) => [d.pack, d.version])),
    item: (id) => { const d = find(id); return d ? d.items[id] : null; },
    packOf: (id) => find(id) || null,
    text(id, locale) {
      const d = find(id);
      if (!d) return null;
      const native = (d.text[locale] && d.text[locale].items[id]) || (d.text.en && d.text.en.items[id]) || null;
      const r = roman && d.text[locale] && d.roman[locale] && d.roman[locale].items && d.roman[locale].items[id];
      return r && native ? romanised(native, r) : native;
    },
    /** A misconception's feedback in the locale (in Roman letters when the switch is on), or "". */
    feedback(id, mc, locale) {
      const d = find(id);
      if (!d) return "";
      const r = roman && d.text[locale] && d.roman[locale] && (d.roman[locale].misconceptions || {})[mc];
      if (r && r.feedback) return r.feedback;
      const t = d.text[locale] || d.text.en;
      return (t && t.misconceptions && t.misconceptions[mc] && t.misconceptions[mc].feedback) || "";
    },
  };
}

/** An item's text with each part the Roman document has in Roman letters; speech stays native. */
function romanised(native, r) {
  const list = (a, b) => (Array.isArray(a) && a.length === (b || []).length ? a.map((x, i) => x || b[i]) : b);
  return {
    ...native, roman: true, speak: native.speak || native.text,
    text: r.text || native.text,
    simplified: r.simplified || native.simplified,
    hints: list(r.hints, native.hints),
    solution: list(r.solution, native.solution),
    ...(native.choices ? { choices: { ...native.choices, ...Object.fromEntries(Object.entries(r.choices || {}).filter(([, v]) => v)) } } : {}),
  };
}
