// The service worker's in-set adaptation against the Python implementation's golden vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { nextInSet } from "../../app/service_worker/select.js";

const golden = JSON.parse(readFileSync(new URL("../golden/in_set.json", import.meta.url), "utf8"));

test("nextInSet matches Python's next_in_set on every case", () => {
  assert.ok(golden.cases.length > 20);
  for (const c of golden.cases) {
    const plan = nextInSet(golden.sets[c.set], c.answers, c.max_swaps ?? undefined);
    assert.deepEqual(plan, c.expected, `${c.set} / ${c.script}`);
  }
});

test("a detected misconception brings its reserve item next", () => {
  const set = golden.sets.hand;
  const plan = nextInSet(set, [{ item: "sub2", correct: false, misconception: "subtract_negative_as_minus" }]);
  assert.equal(plan.next, "sub5");
  assert.deepEqual(plan.swaps, [{ in: "sub5", out: "sub4", misconception: "subtract_negative_as_minus" }]);
  assert.equal(plan.queue.length, set.items.length);
});
