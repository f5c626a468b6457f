// Provisional mastery on the phone: a mirror of app/adaptive/bkt.py (BKT with forgetting
// and item-level difficulty). The server's replay of the event log is the authority;
// both are checked against tests/golden/bkt.json. An ES module for the service worker
// and for node's tests.

export const MASTERY_THRESHOLD = 0.95;
export const NEUTRAL_DIFFICULTY = 3;
// Log-odds that one difficulty step moves guess (down) and slip (up); see bkt.py.
export const DIFFICULTY_LOGIT_STEP = 0.5;
export const DEFAULT_PARAMS = Object.freeze({ prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0.02 });

const logit = (p) => Math.log(p / (1 - p));
const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** Guess and slip for an item of difficulty 1..5 (3 keeps the skill's own values). */
export function itemGuessSlip(params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY) {
  const d = Math.min(5, Math.max(1, Number(difficulty))) - NEUTRAL_DIFFICULTY;
  if (d === 0) return [params.guess, params.slip];
  const shift = DIFFICULTY_LOGIT_STEP * d;
  return [sigmoid(logit(params.guess) - shift), sigmoid(logit(params.slip) + shift)];
}

/** Chance of answering an item of this difficulty correctly, given P(known). */
export function predictCorrect(pKnown, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY) {
  const [guess, slip] = itemGuessSlip(params, difficulty);
  return pKnown * (1 - slip) + (1 - pKnown) * guess;
}

/** P(known) after seeing one answer, before any learning or forgetting. */
export function posteriorKnown(pKnown, correct, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY) {
  const [guess, slip] = itemGuessSlip(params, difficulty);
  const known = correct ? pKnown * (1 - slip) : pKnown * slip;
  const unknown = correct ? (1 - pKnown) * guess : (1 - pKnown) * (1 - guess);
  const total = known + unknown;
  return total > 0 ? known / total : pKnown;
}

/** P(known) at the next opportunity: the posterior given the answer, then learn/forget. */
export function updateMastery(pKnown, correct, params = DEFAULT_PARAMS, difficulty = NEUTRAL_DIFFICULTY) {
  const post = posteriorKnown(pKnown, correct, params, difficulty);
  return post * (1 - params.forget) + (1 - post) * params.learn;
}

/** True when P(known) has reached the class's mastery threshold. */
export function isMastered(pKnown, threshold = MASTERY_THRESHOLD) {
  return pKnown >= threshold;
}
