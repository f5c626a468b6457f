// The phone's provisional mastery: the server's figures moved on by answers not yet synced,
// exactly as the server's replay will move them (app/adaptive/state.py with bkt.py), so the
// bars do not jump when the sync comes back. Checked against tests/golden/bkt.json.

import { NEW_MEMORY, itemChoices, itemOffset, observe, withDefaults } from "./bkt.js";

/** Ids of the diagnostic sets this phone knows: their answers seed the server's priors instead of counting again. */
function diagnosticSets(state) {
  const ids = new Set();
  for (const set of state.sets || []) if (set.kind === "diagnostic") ids.add(set.id);
  for (const [id, p] of Object.entries(state.progress || {})) if (p.set && p.set.kind === "diagnostic") ids.add(id);
  return ids;
}

/**
 * A skill the server has no mastery for yet: it starts where replay will start it, with the
 * parameters replay will use (the reply's `skill_params`; defaults where it sends none).
 */
function firstTime(state, skill) {
  const params = (state.skillParams || {})[skill];
  const start = withDefaults(params).prior;
  return { p: start, p_next: start, attempts: 0, local: 0, ...(params ? { params } : {}) };
}

/**
 * Mastery per skill: the server's figures, then this phone's unsynced answers on top, credited
 * as the server's replay credits them (app/adaptive/state.py): only a first attempt at a
 * showing counts, and a right answer after a hint counts as not known. Each starts from the
 * server's `p_next`, faded along the skill's review curve since its last practice, with the
 * skill's fitted parameters from the sync reply. Checked against tests/golden/bkt.json.
 */
export function provisionalMastery(state, content, pendingEvents) {
  const mastery = {};
  for (const [skill, m] of Object.entries(state.mastery || {})) mastery[skill] = { ...m, local: 0 };
  const diagnostic = diagnosticSets(state);
  const fresh = new Set();
  const hintEvents = new Map();
  let lastAnswered = null;
  for (const row of pendingEvents) {
    const e = row.event;
    if (e.type === "shown") {
      fresh.add(e.item);
      hintEvents.set(e.item, 0);
    } else if (e.type === "hint") {
      hintEvents.set(e.item, (hintEvents.get(e.item) || 0) + 1);
    }
    if (e.type !== "answer") continue;
    const item = content.item(e.item);
    if (!item) continue;
    const first = (fresh.has(e.item) || e.item !== lastAnswered) && (e.attempt || 1) === 1;
    fresh.delete(e.item);
    lastAnswered = e.item;
    const m = mastery[item.skill] || (mastery[item.skill] = firstTime(state, item.skill));
    m.attempts = (m.attempts || 0) + 1;
    if (!first || diagnostic.has(e.set)) continue;
    const params = withDefaults(m.params);
    const credited = e.ok === 1 && !(hintEvents.get(e.item) || 0);
    const seen = observe(m.p_next ?? m.p ?? params.prior, m.review || NEW_MEMORY, credited, params,
      item.difficulty ?? 3, itemChoices(item), e.t / 1000, itemOffset(params, e.item));
    Object.assign(m, { p: seen.mastery, p_next: seen.pNext, review: seen.memory, local: m.local + 1 });
  }
  return mastery;
}
