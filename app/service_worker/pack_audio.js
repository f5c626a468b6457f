// Read-aloud clips on the phone, and the clean-up of pack versions no set uses. Clips are
// listed in per-locale audio indexes (whose SHA-256 the signed manifest covers), not in the
// manifest, so finding a version's clips means reading its indexes.

import { del, done, put, transact } from "./store.js";
import { fetchVerified, forgetDocs, freeSpace, installed, MARGIN, newestVersions, PACK_CACHE, PackError, publisherKeys,
  readDoc, verifyManifest } from "./packs.js";

/** The per-locale audio index entries of a manifest body (the manifest's signature covers their SHA-256). */
function audioIndexes(body) {
  return ((body && body.audio && body.audio.files) || []).filter((f) => f.role === "audio-index");
}

const CLIP_PATH = /^files\/([0-9a-f]{64})\.(opus|ogg)$/;

/**
 * One clip of an audio index as a file entry ({sha256, path, bytes}) that fetchVerified
 * checks, or null when its path is not named by its hash. Format-1 indexes gave only the hash.
 */
export function audioClip(clip) {
  if (!clip || typeof clip.sha256 !== "string") return null;
  const path = typeof clip.path === "string" ? clip.path : `files/${clip.sha256}.opus`;
  const match = CLIP_PATH.exec(path);
  return match && match[1] === clip.sha256 ? { sha256: clip.sha256, path, bytes: Number(clip.bytes) || 0 } : null;
}

/** A cached audio index document, or null when it is not on the phone. */
async function cachedIndex(cache, entry) {
  const response = await cache.match(`/packs/${entry.path}`);
  if (!response) return null;
  try {
    return await response.json();
  } catch (_) {
    return null;
  }
}

/**
 * The URLs of the clips a pack version's audio indexes list (of `locales` only, when given),
 * read from the indexes on the phone; with `fetchMissing`, an index not on the phone is
 * fetched and checked first. A format-1 manifest listed its clips itself (role "audio").
 */
async function clipUrls(cache, record, { locales = null, fetchMissing = false } = {}) {
  const urls = new Set();
  for (const f of (record.body.audio && record.body.audio.files) || []) {
    if (f.role === "audio" && (!locales || locales.has(f.locale))) urls.add(`/packs/${f.path}`);
  }
  for (const entry of audioIndexes(record.body)) {
    if (locales && !locales.has(entry.locale)) continue;
    let index = await cachedIndex(cache, entry);
    if (!index && fetchMissing) index = await fetchVerified(cache, entry).then(() => cachedIndex(cache, entry), () => null);
    for (const clip of Object.values((index && index.clips) || {})) {
      const file = audioClip(clip);
      if (file) urls.add(`/packs/${file.path}`);
    }
  }
  return urls;
}

const AMEND_EVERY_MS = 30 * 1000;
const lastAsked = new Map(); // "pack@version" -> when its manifest was last asked for audio

/**
 * A version installed before its audio was rendered (the server renders audio after it starts
 * serving) gains it later under the same version: ask again, at most every 30 seconds, and
 * take the new manifest only when it is signed and lists exactly the same documents.
 */
export async function withAudioAmendment(record, now = Date.now()) {
  if (record.body.audio || now - (lastAsked.get(record.key) || 0) < AMEND_EVERY_MS) return record;
  lastAsked.set(record.key, now);
  const response = await fetch(`/packs/${record.pack}/${record.version}/manifest.json`, { cache: "no-store" }).catch(() => null);
  if (!response || !response.ok) return record;
  const envelope = await response.json();
  const body = await verifyManifest(envelope, await publisherKeys());
  const sameFiles = JSON.stringify(body.files) === JSON.stringify(record.body.files);
  if (!body.audio || body.pack !== record.pack || body.version !== record.version || !sameFiles) return record;
  const amended = { ...record, body, envelope };
  await transact(["packs"], "readwrite", async (s) => {
    const fresh = await done(s.packs.get(record.key));
    if (fresh) await done(s.packs.put({ ...fresh, body, envelope }));
  });
  forgetDocs();
  return amended;
}

/**
 * Cache the read-aloud clips of some items in one locale, when there is room. Only the
 * clips of the sets on the phone come down (tens of KB), not the whole audio pack (MBs).
 * The chain of trust: the manifest's signature covers the locale's audio index's SHA-256;
 * the index gives each clip's SHA-256; fetchVerified checks both before caching.
 */
export async function installAudio(record, locale, itemIds, skills = []) {
  const indexEntry = audioIndexes(record.body).find((f) => f.locale === locale);
  if (!indexEntry) return 0;
  const cache = await caches.open(PACK_CACHE);
  await fetchVerified(cache, indexEntry);
  const index = await readDoc(indexEntry.path);
  const wanted = new Map();
  // Each item's question, and the worked examples of the sets' skills (<skill>.example1, ...).
  const keys = [...itemIds.map((id) => `${id}.speak`),
    ...skills.flatMap((skill) => [1, 2, 3].map((n) => `${skill}.example${n}`))];
  for (const key of keys) {
    const file = audioClip((index.clips || {})[key]);
    if (file) wanted.set(file.sha256, file);
  }
  const need = [...wanted.values()].reduce((sum, f) => sum + f.bytes, 0);
  if (need && await freeSpace() < need * 2 + MARGIN) throw new PackError("space", "storage almost full");
  let fetched = 0;
  for (const entry of wanted.values()) fetched += await fetchVerified(cache, entry);
  if (!(record.audio && record.audio[locale])) {
    await transact(["packs"], "readwrite", async (s) => {
      const fresh = await done(s.packs.get(record.key));
      if (fresh) { fresh.audio = { ...(fresh.audio || {}), [locale]: true }; await done(s.packs.put(fresh)); }
    });
    forgetDocs();
  }
  return fetched;
}

/** The cached audio URL of an item's speakable text in a locale (from the audio index), or null. */
export function audioUrl(content, itemId, locale) {
  return clipUrl(content.packOf(itemId), `${itemId}.speak`, locale);
}

/** The cached audio URLs of the worked examples of an item's skill, in order ([] when none is on the phone). */
export async function exampleAudioUrls(content, itemId, locale) {
  const item = content.item(itemId);
  if (!item) return [];
  const urls = [];
  for (const n of [1, 2, 3]) urls.push(await clipUrl(content.packOf(itemId), `${item.skill}.example${n}`, locale));
  return urls;
}

async function clipUrl(d, key, locale) {
  if (!d || !(d.audio && d.audio[locale])) return null;
  const indexEntry = audioIndexes(d.body).find((f) => f.locale === locale);
  if (!indexEntry) return null;
  if (!d.audioIndex) d.audioIndex = {};
  if (!d.audioIndex[locale]) d.audioIndex[locale] = await readDoc(indexEntry.path).catch(() => ({ clips: {} }));
  const file = audioClip((d.audioIndex[locale].clips || {})[key]);
  if (!file) return null;
  const url = `/packs/${file.path}`;
  return (await caches.match(url)) ? url : null;
}

/** Drop pack versions that are neither the newest nor pinned by a set in progress, and their files. */
export async function collectGarbage(pinnedKeys) {
  const records = await installed();
  const newest = await newestVersions();
  const keep = records.filter((r) => newest[r.pack] === r.version || pinnedKeys.has(r.key));
  const drop = records.filter((r) => !keep.includes(r));
  if (!drop.length) return 0;
  const listed = (r) => [...(r.body.files || []), ...((r.body.audio && r.body.audio.files) || [])].map((f) => `/packs/${f.path}`);
  const cache = await caches.open(PACK_CACHE);
  // Clips are listed in the audio indexes, not in manifests: read the dropped versions' before they go.
  const doomed = new Set(drop.flatMap(listed));
  const locales = new Set();
  for (const r of drop) {
    for (const entry of audioIndexes(r.body)) if (await cache.match(`/packs/${entry.path}`)) locales.add(entry.locale);
    for (const url of await clipUrls(cache, r)) doomed.add(url);
  }
  // A clip a kept version's index lists stays. A new version mostly reuses the old clips, and its
  // index may not be on the phone yet: fetch it (checked) rather than fetch those clips again later.
  const kept = new Set(keep.flatMap(listed));
  for (const r of keep) {
    const online = typeof navigator === "undefined" || navigator.onLine !== false;
    for (const url of await clipUrls(cache, r, { locales, fetchMissing: online })) kept.add(url);
  }
  for (const url of doomed) if (!kept.has(url)) await cache.delete(url);
  for (const r of drop) await del("packs", r.key);
  forgetDocs();
  return drop.length;
}

/** Free room for answers on a full disk: audio goes first (speech is optional), then unused versions. */
export async function dropAudio() {
  const cache = await caches.open(PACK_CACHE);
  for (const record of await installed()) {
    // Clips first, while the indexes that list them are still there to read.
    for (const url of await clipUrls(cache, record)) await cache.delete(url);
    for (const f of audioIndexes(record.body)) await cache.delete(`/packs/${f.path}`);
    if (record.audio && Object.keys(record.audio).length) await put("packs", { ...record, audio: {} });
  }
  forgetDocs();
}
