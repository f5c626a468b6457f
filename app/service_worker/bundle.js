// A pack that travels as one file (app/packs/bundle.py writes it): read it, check the
// Ed25519 signature of its manifest and the SHA-256 of every file inside, and only then
// hand the files to the pack cache, so an imported pack is used like a downloaded one.
//
// Layout: line 1 "ABHYAS-PACK-BUNDLE 1", line 2 a JSON index {manifest, files:[{sha256,
// name, encoding:"gzip", length}]}, then each file's gzip bytes in index order. The index
// is not signed; every byte it points at is checked against the signed manifest instead
// (an audio clip against its SHA-256 in an audio index, whose SHA-256 the manifest holds).
//
// Every door (this import, `abhyas pack verify`, the publisher's pages, the publish API)
// refuses a bad file with the same reason, so the checks run in the same order as
// app/packs/unpack.py and the reasons read the same; tests/test_damaged_bundles.py holds
// both to it with the same mutated files.

import { audioClip } from "./pack_audio.js";
import { installPack, PACK_CACHE, PackError, verifyManifest } from "./packs.js";

const MAGIC = "ABHYAS-PACK-BUNDLE 1\n";
export const MAX_BYTES = 64 * 1024 * 1024;
// No single file of a pack comes near this unpacked; a "file" that does is a zip bomb.
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Why a pack file was refused: `reason` is one of BundleError.REASONS' keys; the message is "<reason>: <detail>". */
export class BundleError extends Error {
  constructor(reason, detail = "") {
    super(`${BundleError.REASONS[reason] || reason}${detail ? `: ${detail}` : ""}`);
    this.reason = reason;
    this.detail = detail;
  }
}
// Worded as app/packs/unpack.py words them (REASONS there).
BundleError.REASONS = {
  "not-pack": "not an Abhyas pack file",
  damaged: "damaged",
  unsigned: "unsigned",
  "unknown-publisher": "unknown publisher",
  tampered: "tampered",
};

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isText = (value) => typeof value === "string" && value !== "";

/** One whole gzip member, nothing after it, no larger than MAX_FILE_BYTES; throws otherwise. */
async function gunzip(bytes) {
  if (bytes.length < 18) throw new Error("shorter than any gzip stream");
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_FILE_BYTES) {
      await reader.cancel();
      throw new Error("larger than any pack file");
    }
    parts.push(value);
  }
  const raw = new Uint8Array(size);
  let at = 0;
  for (const part of parts) { raw.set(part, at); at += part.length; }
  // Some engines read concatenated gzip members as one; a member's own trailer gives its size.
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  if (trailer !== size % 2 ** 32) throw new Error("more than one gzip stream");
  return raw;
}

function splitHeader(bytes) {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) throw new BundleError("not-pack", "the first line is wrong");
  const end = bytes.indexOf(10, magic.length);
  if (end < 0) throw new BundleError("damaged", "the index is cut short");
  let index;
  try {
    index = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(magic.length, end)));
  } catch (_) {
    throw new BundleError("damaged", "the index is damaged");
  }
  if (!isObject(index) || !Array.isArray(index.files) || !isObject(index.manifest)) throw new BundleError("damaged", "the index is damaged");
  return { index, payload: end + 1 };
}

/**
 * Verify a bundle's bytes against trusted keys ([{key_id, public}]). Returns {envelope, body,
 * files: [{entry, bytes}]} (entry: the manifest's own file entry) or throws BundleError.
 * Nothing is stored here: a caller only gets bytes that passed every check.
 */
export async function verifyBundle(buffer, keys) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length > MAX_BYTES) throw new BundleError("not-pack", "larger than any pack");
  const { index, payload } = splitHeader(bytes);
  const envelope = index.manifest;
  if (!isText(envelope.body) || !isText(envelope.signature) || !isText(envelope.key_id)) throw new BundleError("unsigned", "the manifest has no signature");
  if (envelope.alg !== "Ed25519") throw new BundleError("unsigned", "unknown signature kind");
  if (!keys.some((k) => k.key_id === envelope.key_id)) throw new BundleError("unknown-publisher", `key ${envelope.key_id.slice(0, 64)}`);
  let body;
  try {
    body = await verifyManifest(envelope, keys);
  } catch (_) {
    throw new BundleError("tampered", "the signature does not match");
  }
  const listed = [...(body.files || []), ...((body.audio && body.audio.files) || [])].filter(isObject);
  const bySha = new Map(listed.map((f) => [f.sha256, f]));
  const chunks = [];
  let offset = payload;
  for (const item of index.files) {
    const length = isObject(item) ? item.length : undefined;
    if (typeof length !== "number" || !Number.isInteger(length) || length < 0) throw new BundleError("damaged", "the index is damaged");
    if (offset + length > bytes.length) throw new BundleError("damaged", "the file is cut short");
    chunks.push({ item, chunk: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  if (offset !== bytes.length) throw new BundleError("damaged", "extra bytes at the end");
  const unpacked = new Map(); // chunk -> its checked bytes
  const shaOf = (item) => (typeof item.sha256 === "string" ? item.sha256 : undefined);
  const open = async ({ item, chunk }) => {
    const name = typeof item.name === "string" ? item.name : shaOf(item);
    const entry = bySha.get(shaOf(item));
    if (!entry) throw new BundleError("tampered", `${name} is not in the signed manifest`);
    let raw;
    try {
      raw = await gunzip(chunk);
    } catch (_) {
      throw new BundleError("damaged", `${name} is damaged inside the pack file`);
    }
    if (hex(await crypto.subtle.digest("SHA-256", raw)) !== entry.sha256) throw new BundleError("tampered", `${name} does not match its hash`);
    return raw;
  };
  // First the files the manifest lists; then the audio clips, which its audio indexes list:
  // signature -> index SHA-256 -> clip SHA-256.
  for (const c of chunks) if (bySha.has(shaOf(c.item))) unpacked.set(c, await open(c));
  for (const indexEntry of listed.filter((f) => f.role === "audio-index")) {
    const found = chunks.find((c) => shaOf(c.item) === indexEntry.sha256);
    if (!found) continue; // reported as missing below
    let doc;
    try {
      doc = JSON.parse(new TextDecoder().decode(unpacked.get(found)));
    } catch (_) {
      throw new BundleError("tampered", "an audio index is damaged");
    }
    for (const clip of Object.values((doc && doc.clips) || {})) {
      const file = audioClip(clip);
      if (file && !bySha.has(file.sha256)) bySha.set(file.sha256, { ...file, role: "audio", locale: indexEntry.locale });
    }
  }
  const files = [];
  for (const c of chunks) files.push({ entry: bySha.get(shaOf(c.item)), bytes: unpacked.get(c) || await open(c) });
  const have = new Set(files.map((f) => f.entry.sha256));
  if (have.size !== bySha.size || [...bySha.keys()].some((sha) => !have.has(sha))) {
    throw new BundleError("tampered", "files are missing");
  }
  return { envelope, body, files };
}

/** Verify a bundle, put its files in the pack cache and install the pack; return the pack record. */
export async function importBundle(buffer, keys) {
  const { envelope, body, files } = await verifyBundle(buffer, keys);
  const cache = await caches.open(PACK_CACHE);
  for (const { entry, bytes } of files) {
    const type = entry.path.endsWith(".json") ? "application/json" : "audio/ogg";
    await cache.put(`/packs/${entry.path}`, new Response(bytes, {
      headers: { "Content-Type": type, "Content-Length": String(bytes.byteLength) } }));
  }
  // The same install as a download: it finds every file already cached and verified.
  return installPack({ pack: body.pack, version: body.version, envelope });
}
