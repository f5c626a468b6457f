// Provisional mastery on the phone: a mirror of app/adaptive/bkt.py and review.py (BKT with
// item difficulty, each item's own fitted offset from the sync reply, a 1/choices guess floor,
// and forgetting over time along the review curve).
// The server's replay of the event log is the authority; both are checked against
// tests/golden/bkt.json. An ES module for the service worker and for node's tests.

export const MASTERY_THRESHOLD = 0.95;
export const NEUTRAL_DIFFICULTY = 3;
// Log-odds that one difficulty step moves guess (down) and slip (up) until a fit learns the skill's own; see bkt.py.
export const DIFFICULTY_LOGIT_STEP = 0.5;
export const DEFAULT_PARAMS = Object.freeze({ prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0, difficulty_step: DIFFICULTY_LOGIT_STEP, item_offsets: Object.freeze({}) });

// The review curve (review.py): recall after t days is 0.9 ** (t / stability).
const DAY = 86400;
const INITIAL_STABILITY_DAYS = 1;
const MIN_STABILITY_DAYS = 0.5;
const MAX_STABILITY_DAYS = 365;
const GROWTH_PER_FORGOTTEN = 15;
const MAX_GROWTH = 4;
const LAPSE_FACTOR = 0.3;
export const NEW_MEMORY = Object.freeze({ stability_days: INITIAL_STABILITY_DAYS, last_review_ts: null });

const logit = (p) => Math.log(p / (1 - p));
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const step = (params) => (params.difficulty_step ?? DIFFICULTY_LOGIT_STEP);

/** Parameters from a sync reply, defaults filling any field it lacks (older servers send fewer). */
export function withDefaults(params) {
  const out = { ...DEFAULT_PARAMS };
  for (const [k, v] of Object.entries(params || {})) if (k in out && typeof v === "number") out[k] = v;
  if (params && params.item_offsets && typeof params.item_offsets === "object") out.item_offsets = params.item_offsets;
  return out;
}

/** The item's fitted log-odds offset from its difficulty level (0 for an item the fit did not single out). */
export function itemOffset(params, itemId) {
  const v = params && params.item_offsets ? params.item_offsets[itemId] : undefined;
  return typeof v === "number" ? v : 0;
}

/** How many options a choice item offers (0 for typed answers). */
export function itemChoices(item) {
  return item && item.kind === "choice" ? (item.choices || []).length : 0;
}

/** Guess and slip for an item of difficulty 1..5 (3 keeps the skill's own) with `choices` options and its own `offset`. */
export function itemGuessSlip(params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY, choices = 0, offset = 0) {
  const d = Math.min(5, Math.max(1, Number(difficulty))) - NEUTRAL_DIFFICULTY;
  let guess = params.guess;
  let slip = params.slip;
  const shift = step(params) * d + offset;
  if (shift !== 0) {
    guess = sigmoid(logit(guess) - shift);
    slip = sigmoid(logit(slip) + shift);
  }
  if (choices >= 2) guess = Math.max(guess, 1 / choices);
  return [guess, slip];
}

/** Chance of answering an item correctly, given P(known). */
export function predictCorrect(pKnown, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY, choices = 0, offset = 0) {
  const [guess, slip] = itemGuessSlip(params, difficulty, choices, offset);
  return pKnown * (1 - slip) + (1 - pKnown) * guess;
}

/** P(known) after seeing one answer, before any learning. */
export function posteriorKnown(pKnown, correct, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY, choices = 0, offset = 0) {
  const [guess, slip] = itemGuessSlip(params, difficulty, choices, offset);
  const known = correct ? pKnown * (1 - slip) : pKnown * slip;
  const unknown = correct ? (1 - pKnown) * guess : (1 - pKnown) * (1 - guess);
  const total = known + unknown;
  return total > 0 ? known / total : pKnown;
}

/** P(known) at the next opportunity: the posterior given the answer, then learning (and per-answer forget). */
export function updateMastery(pKnown, correct, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY, choices = 0, offset = 0) {
  const post = posteriorKnown(pKnown, correct, params, difficulty, choices, offset);
  return post * (1 - params.forget) + (1 - post) * params.learn;
}

/** Predicted recall at epoch second `now` (1 if never practised). */
export function recallProbability(memory, now) {
  if (!memory || memory.last_review_ts == null) return 1;
  const elapsedDays = Math.max(0, now - memory.last_review_ts) / DAY;
  return 0.9 ** (elapsedDays / memory.stability_days);
}

/** The review curve after a practice answer at `ts`: stability grows on recall, shrinks on failure. */
export function updateReview(memory, recalled, ts) {
  if (!memory || memory.last_review_ts == null) {
    return { stability_days: recalled ? INITIAL_STABILITY_DAYS : MIN_STABILITY_DAYS, last_review_ts: ts };
  }
  if (recalled) {
    const growth = Math.min(MAX_GROWTH, 1 + GROWTH_PER_FORGOTTEN * (1 - recallProbability(memory, ts)));
    return { stability_days: Math.min(MAX_STABILITY_DAYS, memory.stability_days * growth), last_review_ts: ts };
  }
  return { stability_days: Math.max(MIN_STABILITY_DAYS, memory.stability_days * LAPSE_FACTOR), last_review_ts: ts };
}

/** P(known) at `ts`: P(known) after the last answer, faded by the review curve (no time, no fading). */
export function knownAt(pNext, memory, ts) {
  return ts == null ? pNext : pNext * recallProbability(memory, ts);
}

/** One credited answer at `ts`: forget since the last practice, predict, update, learn (bkt.observe). */
export function observe(pNext, memory, correct, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY, choices = 0, ts = null, offset = 0) {
  const p = knownAt(pNext, memory, ts);
  return {
    predicted: predictCorrect(p, params, difficulty, choices, offset),
    mastery: posteriorKnown(p, correct, params, difficulty, choices, offset),
    pNext: updateMastery(p, correct, params, difficulty, choices, offset),
    memory: ts == null ? memory : updateReview(memory, correct, ts),
  };
}

/** True when P(known) has reached the class's mastery threshold. */
export function isMastered(pKnown, threshold = MASTERY_THRESHOLD) {
  return pKnown >= threshold;
}
