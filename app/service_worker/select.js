// In-set adaptation on the phone: a mirror of app/adaptive/in_set.py, checked against
// tests/golden/in_set.json. When an answer shows a misconception, the set's reserve
// supplies a remediation item as the very next one. The plan is recomputed from the set
// and the answers so far, so it needs no stored state. An ES module for the service
// worker and for node's tests.

export const MAX_SWAPS = 2;

/**
 * Plan the rest of a set from the answers so far ({item, correct, misconception, skipped?}).
 * Returns {next, queue, remaining, swaps: [{in, out, misconception}]}.
 */
export function nextInSet(setDoc, answers, maxSwaps = MAX_SWAPS) {
  const items = setDoc.items || [];
  const queue = items.map((e) => e.item);
  const reasons = new Map(items.map((e) => [e.item, e.reason ?? null]));
  const reserve = setDoc.reserve || [];
  const done = [];
  const swaps = [];
  for (const answer of answers) {
    const item = answer.item;
    const first = !done.includes(item);
    if (first) done.push(item);
    const mc = answer.misconception;
    if (!first || !mc || answer.skipped || swaps.length >= maxSwaps) continue;
    const candidate = reserve.find((r) => r.misconception === mc
      && !queue.includes(r.item) && !done.includes(r.item));
    if (!candidate) continue;
    const victims = queue.filter((i) => !done.includes(i) && reasons.get(i) !== "misconception_remediation");
    if (victims.length === 0) continue;
    const victim = victims[victims.length - 1];
    queue.splice(queue.indexOf(victim), 1);
    let position = queue.findIndex((i) => !done.includes(i));
    if (position === -1) position = queue.length;
    queue.splice(position, 0, candidate.item);
    reasons.set(candidate.item, "misconception_remediation");
    swaps.push({ in: candidate.item, out: victim, misconception: mc });
  }
  const remaining = queue.filter((i) => !done.includes(i));
  return { next: remaining.length ? remaining[0] : null, queue, remaining, swaps };
}
