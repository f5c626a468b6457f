// The service worker's learning model and provisional mastery against the Python implementation's golden vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NEW_MEMORY, itemGuessSlip, itemOffset, observe, posteriorKnown, predictCorrect, recallProbability, updateMastery } from "../../app/service_worker/bkt.js";
import { provisionalMastery } from "../../app/service_worker/provisional.js";

const golden = JSON.parse(readFileSync(new URL("../golden/bkt.json", import.meta.url), "utf8"));
const catalog = JSON.parse(readFileSync(new URL("../golden/catalog.json", import.meta.url), "utf8"));
// Math.exp/log/pow may differ from C's in the last bits; the bar is 1e-6, we hold 1e-9.
const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= 1e-9, `${what}: ${actual} != ${expected}`);

test("single updates and predictions match Python", () => {
  for (const c of golden.single) {
    const what = `p=${c.p} d=${c.difficulty} choices=${c.choices} offset=${c.offset} ${JSON.stringify(c.params)}`;
    const [guess, slip] = itemGuessSlip(c.params, c.difficulty, c.choices, c.offset);
    close(guess, c.guess, `guess ${what}`);
    close(slip, c.slip, `slip ${what}`);
    close(predictCorrect(c.p, c.params, c.difficulty, c.choices, c.offset), c.predict, `predict ${what}`);
    close(posteriorKnown(c.p, true, c.params, c.difficulty, c.choices, c.offset), c.posterior_correct, `posterior right ${what}`);
    close(posteriorKnown(c.p, false, c.params, c.difficulty, c.choices, c.offset), c.posterior_wrong, `posterior wrong ${what}`);
    close(updateMastery(c.p, true, c.params, c.difficulty, c.choices, c.offset), c.update_correct, `update right ${what}`);
    close(updateMastery(c.p, false, c.params, c.difficulty, c.choices, c.offset), c.update_wrong, `update wrong ${what}`);
  }
});

test("forty-answer sequences days apart, with forgetting along the review curve, match Python", () => {
  for (const s of golden.sequences) {
    let p = s.params.prior;
    let memory = NEW_MEMORY;
    s.answers.forEach((correct, i) => {
      const seen = observe(p, memory, correct, s.params, s.difficulties[i], s.choices[i], s.times[i], itemOffset(s.params, s.items[i]));
      const want = s.trace[i];
      close(seen.predicted, want.predicted, `predicted step ${i}`);
      close(seen.mastery, want.mastery, `mastery step ${i}`);
      close(seen.pNext, want.p_next, `p_next step ${i}`);
      close(seen.memory.stability_days, want.memory.stability_days, `stability step ${i}`);
      assert.equal(seen.memory.last_review_ts, want.memory.last_review_ts);
      close(recallProbability(seen.memory, s.times[i] + 86400), want.recall_day_later, `recall step ${i}`);
      p = seen.pNext;
      memory = seen.memory;
    });
  }
});

test("the phone's provisional mastery after unsynced answers equals the server's replay after the sync", () => {
  const content = { item: (id) => catalog.items[id] || null };
  for (const c of golden.provisional) {
    const got = provisionalMastery({ mastery: c.server, sets: [{ id: "s1", kind: "practice" }] }, content, c.pending);
    for (const [skill, want] of Object.entries(c.expected)) {
      if (!want.attempts) continue;
      close(got[skill].p, want.p, `${c.name} ${skill} p`);
      close(got[skill].p_next, want.p_next, `${c.name} ${skill} p_next`);
      assert.equal(got[skill].attempts, want.attempts, `${c.name} ${skill} attempts`);
    }
  }
});

test("answers in a diagnostic set leave the bars to the server (they seed its priors)", () => {
  const content = { item: (id) => catalog.items[id] || null };
  const c = golden.provisional.find((x) => x.name === "fitted/right_first_time");
  const got = provisionalMastery({ mastery: c.server, sets: [{ id: "s1", kind: "diagnostic" }] }, content, c.pending);
  assert.equal(got.int_add.p, c.server.int_add.p);
});
