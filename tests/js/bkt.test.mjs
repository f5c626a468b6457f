// The service worker's BKT against the Python implementation's golden vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { itemGuessSlip, posteriorKnown, predictCorrect, updateMastery } from "../../app/service_worker/bkt.js";

const golden = JSON.parse(readFileSync(new URL("../golden/bkt.json", import.meta.url), "utf8"));
// Math.exp/log may differ from C's in the last bit; anything beyond that is a real drift.
const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} != ${expected}`);

test("single updates and predictions match Python", () => {
  for (const c of golden.single) {
    const what = `p=${c.p} d=${c.difficulty} ${JSON.stringify(c.params)}`;
    const [guess, slip] = itemGuessSlip(c.params, c.difficulty);
    close(guess, c.guess, `guess ${what}`);
    close(slip, c.slip, `slip ${what}`);
    close(predictCorrect(c.p, c.params, c.difficulty), c.predict, `predict ${what}`);
    close(posteriorKnown(c.p, true, c.params, c.difficulty), c.posterior_correct, `posterior right ${what}`);
    close(posteriorKnown(c.p, false, c.params, c.difficulty), c.posterior_wrong, `posterior wrong ${what}`);
    close(updateMastery(c.p, true, c.params, c.difficulty), c.update_correct, `update right ${what}`);
    close(updateMastery(c.p, false, c.params, c.difficulty), c.update_wrong, `update wrong ${what}`);
  }
});

test("forty-answer sequences stay within rounding of Python", () => {
  for (const s of golden.sequences) {
    let p = s.params.prior;
    s.answers.forEach((correct, i) => {
      p = updateMastery(p, correct, s.params, s.difficulties[i]);
      close(p, s.trace[i], `step ${i}`);
    });
  }
});
