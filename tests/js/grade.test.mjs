// The service worker's grader against the Python grader's golden vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatValue, gradeResponse, isLowestTerms, normalizeText, parseNumber } from "../../app/service_worker/grade.js";

const golden = JSON.parse(readFileSync(new URL("../golden/grading.json", import.meta.url), "utf8"));

test("normalizeText matches Python's normalize_text", () => {
  for (const c of golden.normalize) assert.equal(normalizeText(c.raw), c.expected, `raw ${JSON.stringify(c.raw)}`);
});

test("parseNumber and isLowestTerms match Python", () => {
  for (const c of golden.parse) {
    const value = parseNumber(c.raw);
    assert.equal(value === null ? null : formatValue(value), c.expected, `raw ${JSON.stringify(c.raw)}`);
    if (c.raw !== null) assert.equal(isLowestTerms(c.raw), c.lowest, `lowest ${JSON.stringify(c.raw)}`);
  }
});

test("gradeResponse matches Python's grade_response on every item and response", () => {
  assert.ok(golden.grade.length > 500);
  for (const c of golden.grade) {
    assert.deepEqual(gradeResponse(golden.items[c.item], c.raw), c.expected,
      `item ${c.item}, raw ${JSON.stringify(c.raw)}`);
  }
});
