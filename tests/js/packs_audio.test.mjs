// The worker's pack audio (packs.js): a manifest lists one audio index per locale, the index
// lists the clips; every clip is checked against the index before it is cached, and clean-ups
// keep exactly the clips an installed version's index still lists.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { installFakes } from "./fake_browser.mjs";
import { audioUrl, collectGarbage, dropAudio, exampleAudioUrls, installAudio } from "../../app/service_worker/pack_audio.js";
import { forgetDocs } from "../../app/service_worker/packs.js";
import { all, del, get, put } from "../../app/service_worker/store.js";

const { served, fetched, cached } = installFakes();
const enc = (text) => new TextEncoder().encode(text);
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

function clip(text) {
  const bytes = enc(`OggS ${text}`);
  const hash = sha(bytes);
  served.set(`/packs/files/${hash}.opus`, bytes);
  return { sha256: hash, path: `files/${hash}.opus`, bytes: bytes.length, seconds: 1.5 };
}

/** A pack version whose Hindi audio index lists `clips` ({key: clip}); its files are served. */
function version(v, clips) {
  const index = enc(JSON.stringify({ format: 2, pack: "p", locale: "hi", clips }));
  const hash = sha(index);
  served.set(`/packs/files/${hash}.json`, index);
  const entry = { role: "audio-index", locale: "hi", sha256: hash, path: `files/${hash}.json`, bytes: index.length,
                  clip_bytes: Object.values(clips).reduce((sum, c) => sum + c.bytes, 0) };
  return { key: `p@${v}`, pack: "p", version: v, complete: true, audio: {},
           body: { format: 2, pack: "p", version: v, files: [], audio: { files: [entry] } } };
}

const url = (entry) => `/packs/${entry.path}`;
const indexUrl = (record) => url(record.body.audio.files[0]);

beforeEach(async () => {
  for (const r of await all("packs")) await del("packs", r.key);
  served.clear();
  cached.clear();
  fetched.length = 0;
  navigator.onLine = true;
  forgetDocs();
});

test("installAudio fetches the locale's index and only the set's clips, and audioUrl finds them", async () => {
  const [a, b, c] = [clip("a"), clip("b"), clip("c")];
  const record = version("1.0.0", { "a.speak": a, "b.speak": b, "c.speak": c, "a.hint1": c });
  await put("packs", record);
  const bytes = await installAudio(record, "hi", ["a", "b", "a"]);
  assert.equal(bytes, a.bytes + b.bytes);
  assert.deepEqual(fetched.sort(), [indexUrl(record), url(a), url(b)].sort());
  assert.ok(cached.has(url(a)) && cached.has(url(b)) && !cached.has(url(c)));
  assert.deepEqual((await get("packs", record.key)).audio, { hi: true });
  const content = { packOf: () => ({ body: record.body, audio: { hi: true } }) };
  assert.equal(await audioUrl(content, "a", "hi"), url(a));
  assert.equal(await audioUrl(content, "c", "hi"), null, "a clip not on the phone has no URL");
  assert.equal(await audioUrl(content, "a", "ta"), null, "no audio index for the locale");
  assert.equal(await installAudio(record, "ta", ["a"]), 0);
});

test("a clip that does not match its hash in the index is refused and never cached", async () => {
  const a = clip("a");
  const record = version("1.0.0", { "a.speak": a });
  await put("packs", record);
  served.set(url(a), enc("OggS something else"));
  await assert.rejects(installAudio(record, "hi", ["a"]), (err) => err.kind === "trust");
  assert.ok(!cached.has(url(a)));
});

test("a changed audio index is refused, and a clip path not named by its hash is never fetched", async () => {
  const a = clip("a");
  const record = version("1.0.0", { "a.speak": a });
  served.set(indexUrl(record), enc(JSON.stringify({ clips: { "a.speak": { ...a, sha256: sha(enc("x")) } } })));
  await assert.rejects(installAudio(record, "hi", ["a"]), (err) => err.kind === "trust");
  assert.equal(cached.size, 0);

  const odd = version("1.0.1", { "a.speak": { ...a, path: "api/v1/sync" } });
  assert.equal(await installAudio(odd, "hi", ["a"]), 0);
  assert.deepEqual(fetched.filter((u) => !u.endsWith(".json")), []);
});

test("collectGarbage keeps the clips a kept version's index lists, fetching that index, and deletes the rest", async () => {
  const [a, b, b2] = [clip("a"), clip("b"), clip("b, reworded")];
  const old = version("1.0.0", { "a.speak": a, "b.speak": b });
  const fresh = version("1.0.1", { "a.speak": a, "b.speak": b2 });
  await put("packs", old);
  await installAudio(old, "hi", ["a", "b"]);
  await put("packs", fresh);
  forgetDocs();

  assert.equal(await collectGarbage(new Set([old.key])), 0, "a version a set still uses stays");
  assert.ok(cached.has(url(b)));

  assert.equal(await collectGarbage(new Set()), 1);
  assert.deepEqual((await all("packs")).map((r) => r.key), [fresh.key]);
  assert.ok(cached.has(url(a)), "the new version's index lists it: not fetched twice");
  assert.ok(!cached.has(url(b)), "no installed version lists it any more");
  assert.ok(!cached.has(indexUrl(old)) && cached.has(indexUrl(fresh)));
  fetched.length = 0;
  assert.equal(await installAudio(fresh, "hi", ["a", "b"]), b2.bytes);
  assert.deepEqual(fetched, [url(b2)]);
});

test("offline, collectGarbage reads the kept indexes on the phone, and a shared index stays", async () => {
  const [a, b, c] = [clip("a"), clip("b"), clip("c")];
  const old = version("1.0.0", { "a.speak": a, "b.speak": b });
  const same = version("1.0.1", { "a.speak": a, "b.speak": b }); // unchanged audio: the same index file
  const other = { ...version("2.0.0", { "c.speak": c }), key: "q@2.0.0", pack: "q" };
  for (const r of [old, same, other]) await put("packs", r);
  await installAudio(old, "hi", ["a", "b"]);
  await installAudio(other, "hi", ["c"]);
  forgetDocs();
  navigator.onLine = false;
  fetched.length = 0;
  assert.equal(await collectGarbage(new Set()), 1);
  assert.ok(cached.has(url(a)) && cached.has(url(b)) && cached.has(url(c)), "the same index (same bytes) lists them");
  assert.ok(cached.has(indexUrl(same)));
  assert.deepEqual(fetched, []);
});

test("dropAudio removes every clip and audio index and clears the flags", async () => {
  const [a, b] = [clip("a"), clip("b")];
  const record = version("1.0.0", { "a.speak": a, "b.speak": b });
  await put("packs", record);
  await installAudio(record, "hi", ["a", "b"]);
  forgetDocs();
  await dropAudio();
  assert.equal(cached.size, 0);
  assert.deepEqual((await get("packs", record.key)).audio, {});
});

test("the worked examples of the sets' skills come down too, and are found by skill and number", async () => {
  const [a, ex1, ex2, other] = [clip("a"), clip("example one"), clip("example two"), clip("other skill")];
  const record = version("1.0.0", { "a.speak": a, "s.add.example1": ex1, "s.add.example2": ex2, "s.mul.example1": other });
  await put("packs", record);
  assert.equal(await installAudio(record, "hi", ["a"], ["s.add"]), a.bytes + ex1.bytes + ex2.bytes);
  assert.ok(!cached.has(url(other)), "a skill not in the sets brings no clip");
  const content = { item: () => ({ skill: "s.add" }), packOf: () => ({ body: record.body, audio: { hi: true } }) };
  assert.deepEqual(await exampleAudioUrls(content, "a", "hi"), [url(ex1), url(ex2), null]);
});
