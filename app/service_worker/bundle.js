// A pack that travels as one file (app/packs/bundle.py writes it): read it, check the
// Ed25519 signature of its manifest and the SHA-256 of every file inside, and only then
// hand the files to the pack cache, so an imported pack is used like a downloaded one.
//
// Layout: line 1 "ABHYAS-PACK-BUNDLE 1", line 2 a JSON index {manifest, files:[{sha256,
// name, encoding:"gzip", length}]}, then each file's gzip bytes in index order. The index
// is not signed; every byte it points at is checked against the signed manifest instead
// (an audio clip against its SHA-256 in an audio index, whose SHA-256 the manifest holds).

import { audioClip } from "./pack_audio.js";
import { installPack, PACK_CACHE, PackError, verifyManifest } from "./packs.js";

const MAGIC = "ABHYAS-PACK-BUNDLE 1\n";
const MAX_BYTES = 64 * 1024 * 1024;
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Why a pack file was refused: `reason` is one of BundleError.REASONS' keys. */
export class BundleError extends Error {
  constructor(reason, detail = "") {
    super(`${BundleError.REASONS[reason] || reason}${detail ? ` (${detail})` : ""}`);
    this.reason = reason;
    this.detail = detail;
  }
}
BundleError.REASONS = {
  "not-pack": "not an Abhyas pack file",
  unsigned: "unsigned",
  "unknown-publisher": "signed by an unknown publisher",
  tampered: "changed after signing (tampered)",
  damaged: "damaged file inside",
};

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function splitHeader(bytes) {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) throw new BundleError("not-pack");
  const end = bytes.indexOf(10, magic.length);
  if (end < 0) throw new BundleError("not-pack", "no index");
  let index;
  try {
    index = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(magic.length, end)));
  } catch (_) {
    throw new BundleError("not-pack", "the index is damaged");
  }
  if (!index || typeof index !== "object" || !Array.isArray(index.files)) throw new BundleError("not-pack", "the index is damaged");
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
  if (!envelope || typeof envelope !== "object" || typeof envelope.body !== "string") throw new BundleError("not-pack", "no manifest");
  if (!envelope.signature || !envelope.key_id) throw new BundleError("unsigned");
  if (envelope.alg !== "Ed25519") throw new BundleError("unsigned", `unknown signature kind ${envelope.alg}`);
  if (!keys.some((k) => k.key_id === envelope.key_id)) throw new BundleError("unknown-publisher", envelope.key_id);
  let body;
  try {
    body = await verifyManifest(envelope, keys);
  } catch (err) {
    if (err instanceof PackError) throw new BundleError("tampered", "the signature does not match");
    throw new BundleError("tampered", "the signature is malformed");
  }
  const listed = [...(body.files || []), ...((body.audio && body.audio.files) || [])];
  const bySha = new Map(listed.map((f) => [f.sha256, f]));
  const chunks = [];
  let offset = payload;
  for (const item of index.files) {
    const length = Number(item && item.length);
    if (!Number.isInteger(length) || length < 0 || offset + length > bytes.length) throw new BundleError("damaged", "the file is cut short");
    chunks.push({ item, chunk: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  if (offset !== bytes.length) throw new BundleError("damaged", "extra bytes at the end");
  const unpacked = new Map(); // chunk -> its checked bytes
  const open = async ({ item, chunk }) => {
    const entry = bySha.get(item.sha256);
    if (!entry) throw new BundleError("tampered", `${item.name || item.sha256} is not in the signed manifest`);
    let raw;
    try {
      raw = await gunzip(chunk);
    } catch (_) {
      throw new BundleError("damaged", item.name || item.sha256);
    }
    if (hex(await crypto.subtle.digest("SHA-256", raw)) !== entry.sha256) throw new BundleError("tampered", `${item.name || entry.sha256} does not match its hash`);
    return raw;
  };
  // First the files the manifest lists; then the audio clips, which its audio indexes list:
  // signature -> index SHA-256 -> clip SHA-256.
  for (const c of chunks) if (bySha.has(c.item.sha256)) unpacked.set(c, await open(c));
  for (const indexEntry of listed.filter((f) => f.role === "audio-index")) {
    const found = chunks.find((c) => c.item.sha256 === indexEntry.sha256);
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
  for (const c of chunks) files.push({ entry: bySha.get(c.item.sha256), bytes: unpacked.get(c) || await open(c) });
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
