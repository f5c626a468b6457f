// The daily reminder: off unless switched on, at most one a day, never after today's practice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { localDay, reminderFor } from "../../app/service_worker/reminder.js";

const now = new Date(2026, 11, 6, 18, 0).getTime();
const yesterday = now - 86400000;
const base = { now, lastReminderDay: null, lastPracticeOf: () => yesterday, hasWork: () => true };

test("off by default: nobody who did not switch it on is reminded", () => {
  assert.equal(reminderFor([{ id: "a" }], base), null);
  assert.equal(reminderFor([{ id: "a", reminder: true }], base).id, "a");
});

test("never more than one a day", () => {
  assert.equal(reminderFor([{ id: "a", reminder: true }], { ...base, lastReminderDay: localDay(now) }), null);
  assert.ok(reminderFor([{ id: "a", reminder: true }], { ...base, lastReminderDay: localDay(yesterday) }));
});

test("not after practice today, nor without work to do", () => {
  assert.equal(reminderFor([{ id: "a", reminder: true }], { ...base, lastPracticeOf: () => now - 3600000 }), null);
  assert.equal(reminderFor([{ id: "a", reminder: true }], { ...base, hasWork: () => false }), null);
  const both = [{ id: "a", reminder: true }, { id: "b", reminder: true }];
  assert.equal(reminderFor(both, { ...base, hasWork: (p) => p.id === "b" }).id, "b");
});
