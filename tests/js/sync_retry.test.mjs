// The worker's outbox when the server cannot store (sync.js): a 503 acknowledges nothing, so
// every event stays; the retry waits at least Retry-After and then goes by itself, no tap needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakes } from "./fake_browser.mjs";
import { pending, record } from "../../app/service_worker/outbox.js";
import { put } from "../../app/service_worker/store.js";
import { flushAll } from "../../app/service_worker/sync.js";

installFakes();
const fallback = globalThis.fetch;
const syncs = [];
const replies = [];
globalThis.fetch = async (url, options = {}) => {
  if (url !== "/api/v1/sync") return fallback(url, options);
  const events = JSON.parse(options.body).events;
  syncs.push({ at: Date.now(), ids: events.map((e) => e.id) });
  const reply = replies.shift();
  if (reply === "full") {
    return new Response(JSON.stringify({ error: "The server cannot store anything right now." }),
                        { status: 503, headers: { "Content-Type": "application/json", "Retry-After": "1" } });
  }
  return new Response(JSON.stringify({ acked: events.map((e) => e.id), rejected: [], duplicates: 0, sets: [], mastery: {} }),
                      { status: 200, headers: { "Content-Type": "application/json" } });
};

test("a 503 keeps the whole outbox, and the phone retries by itself after Retry-After", async () => {
  await put("profiles", { id: "asha", token: "t", name: "Asha", locale: "en", createdAt: 1, seq: 0 });
  await record("asha", [1, 2, 3].map((n) => ({ type: "answer", item: `i${n}`, r: `${n}/4` })));
  replies.push("full", "ok");
  const first = await flushAll({ force: true });
  assert.equal(first.asha.status, 503);
  assert.equal((await pending("asha")).length, 3, "nothing was acknowledged, so nothing may leave the outbox");
  assert.deepEqual(await flushAll({ reason: "online" }), { asha: { skipped: true } }, "no hammering inside Retry-After");
  const deadline = Date.now() + 5000;
  while ((await pending("asha")).length && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
  assert.equal((await pending("asha")).length, 0, "the retry sent and the server acknowledged everything");
  assert.equal(syncs.length, 2);
  assert.deepEqual(syncs[1].ids, syncs[0].ids, "the same events, not new ones");
  assert.ok(syncs[1].at - syncs[0].at >= 1000, `retried after ${syncs[1].at - syncs[0].at} ms, inside Retry-After`);
});
