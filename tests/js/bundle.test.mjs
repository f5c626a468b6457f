// The worker's pack-file checks (bundle.js): a bundle made here, then broken one way at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { gzipSync } from "node:zlib";
import { verifyBundle } from "../../app/service_worker/bundle.js";

const MAGIC = "ABHYAS-PACK-BUNDLE 1\n";
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

function keyPair(keyId) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { privateKey, record: { publisher: "test", key_id: keyId, public: raw.toString("base64") } };
}

function makeBundle(key, { files = ['{"items":[]}', '{"skills":[]}'], mutate = (x) => x } = {}) {
  const raws = files.map((text) => Buffer.from(text));
  const entries = raws.map((raw, i) => ({ sha256: sha(raw), path: `files/${sha(raw)}.json`, role: i ? "meta" : "items" }));
  const body = JSON.stringify({ pack: "t", version: "1.0.0", files: entries });
  const manifest = { body, signature: sign(null, Buffer.from(body), key.privateKey).toString("base64"),
                     key_id: key.record.key_id, alg: "Ed25519" };
  const payloads = raws.map((raw) => gzipSync(raw));
  const index = { manifest, files: raws.map((raw, i) => ({ sha256: sha(raw), name: `${sha(raw)}.json`, encoding: "gzip", length: payloads[i].length })) };
  const parts = mutate({ index, payloads });
  return Buffer.concat([Buffer.from(MAGIC + JSON.stringify(parts.index) + "\n"), ...parts.payloads]);
}

async function reason(bundle, keys) {
  try {
    await verifyBundle(bundle, keys);
  } catch (err) {
    return err.reason;
  }
  return "accepted";
}

const trusted = keyPair("trusted-1");
const rogue = keyPair("rogue-1");

test("a bundle signed by a trusted key is accepted, with every file's bytes", async () => {
  const out = await verifyBundle(makeBundle(trusted), [trusted.record]);
  assert.equal(out.body.pack, "t");
  assert.deepEqual(out.files.map((f) => new TextDecoder().decode(f.bytes)), ['{"items":[]}', '{"skills":[]}']);
});

test("each kind of bad file is refused with its reason", async () => {
  const keys = [trusted.record];
  assert.equal(await reason(Buffer.from("hello"), keys), "not-pack");
  assert.equal(await reason(makeBundle(rogue), keys), "unknown-publisher");
  assert.equal(await reason(makeBundle(trusted, { mutate: (p) => { delete p.index.manifest.signature; return p; } }), keys), "unsigned");
  assert.equal(await reason(makeBundle(trusted, { mutate: (p) => {
    p.index.manifest.body = p.index.manifest.body.replace("1.0.0", "2.0.0"); return p; } }), keys), "tampered");
  const swapped = gzipSync(Buffer.from('{"items":[1]}'));
  assert.equal(await reason(makeBundle(trusted, { mutate: (p) => {
    p.payloads[0] = swapped; p.index.files[0].length = swapped.length; return p; } }), keys), "tampered");
  assert.equal(await reason(makeBundle(trusted, { mutate: (p) => {
    p.payloads = [p.payloads[0]]; p.index.files = [p.index.files[0]]; return p; } }), keys), "tampered");
  const flipped = makeBundle(trusted);
  flipped[flipped.length - 12] ^= 0xff;
  assert.equal(await reason(flipped, keys), "damaged");
  assert.equal(await reason(makeBundle(trusted).subarray(0, -3), keys), "damaged");
});

/** A bundle with an audio pack: the manifest lists the audio index; the index lists the clips. */
function audioBundle(key, { clips = ["OggS a", "OggS b"], extra = [], drop = 0, swap = null } = {}) {
  const text = Buffer.from('{"items":[]}');
  const raws = clips.map((c) => Buffer.from(c));
  const index = Buffer.from(JSON.stringify({ format: 2, pack: "t", locale: "hi", clips: Object.fromEntries(raws.map((raw, i) => [
    `i${i}.speak`, { sha256: sha(raw), path: `files/${sha(raw)}.opus`, bytes: raw.length, seconds: 1 }])) }));
  const body = JSON.stringify({ format: 2, pack: "t", version: "1.0.0",
    files: [{ sha256: sha(text), path: `files/${sha(text)}.json`, role: "items" }],
    audio: { files: [{ sha256: sha(index), path: `files/${sha(index)}.json`, role: "audio-index", locale: "hi" }] } });
  const manifest = { body, signature: sign(null, Buffer.from(body), key.privateKey).toString("base64"),
                     key_id: key.record.key_id, alg: "Ed25519" };
  let parts = [[text, ".json"], [index, ".json"], ...raws.map((raw) => [raw, ".opus"]), ...extra.map((e) => [Buffer.from(e), ".opus"])];
  parts = parts.slice(0, parts.length - drop);
  if (swap) parts[parts.length - 1] = [Buffer.from(swap), ".opus", sha(parts[parts.length - 1][0])];
  const payloads = parts.map(([raw]) => gzipSync(raw));
  const files = parts.map(([raw, suffix, claimed], i) => ({ sha256: claimed || sha(raw), name: `${claimed || sha(raw)}${suffix}`,
                                                            encoding: "gzip", length: payloads[i].length }));
  return Buffer.concat([Buffer.from(MAGIC + JSON.stringify({ manifest, files }) + "\n"), ...payloads]);
}

test("a bundle with audio is accepted with every clip its signed index lists, and only those", async () => {
  const keys = [trusted.record];
  const out = await verifyBundle(audioBundle(trusted), keys);
  const clips = out.files.filter((f) => f.entry.path.endsWith(".opus"));
  assert.deepEqual(clips.map((f) => new TextDecoder().decode(f.bytes)), ["OggS a", "OggS b"]);
  assert.ok(clips.every((f) => f.entry.path === `files/${f.entry.sha256}.opus`));
  assert.equal(await reason(audioBundle(trusted, { extra: ["OggS not listed"] }), keys), "tampered");
  assert.equal(await reason(audioBundle(trusted, { drop: 1 }), keys), "tampered");
  assert.equal(await reason(audioBundle(trusted, { swap: "OggS changed" }), keys), "tampered");
});
