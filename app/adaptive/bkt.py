"""The learning model: Bayesian Knowledge Tracing with item difficulty, choice guessing and forgetting over time.

One answer moves P(known) in three steps: time since the skill was last practised lowers
it along the review curve (`review.recall_probability`, the one forgetting story the
scheduler also uses); the answer updates it through the item's own guess and slip (the
skill's, shifted by the item's difficulty, with a 1/choices floor on guessing for choice
items); then learning raises it. `fit.py` fits exactly this model, `state.replay` runs it,
and the service worker's `bkt.js` mirrors it, checked against `tests/golden/bkt.json`.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .review import ReviewMemory, recall_probability, update_review

MASTERY_THRESHOLD = 0.95
NEUTRAL_DIFFICULTY = 3
# The default log-odds one difficulty step moves guess and slip, until `abhyas fit` learns
# each skill's own: 0.5 means a difficulty-1 item roughly doubles the chance of guessing
# it and halves the chance of slipping on it, compared with the skill's difficulty-3 item.
DIFFICULTY_LOGIT_STEP = 0.5


@dataclass(frozen=True)
class BKTParams:
    """One skill's parameters.

    `forget` is P(known -> unknown) per answer, kept for the plain-BKT baseline (`kt-eval
    --model bkt`); the running model forgets over time instead and fits it as 0.
    `difficulty_step` is the log-odds one difficulty step moves guess and slip.
    """
    prior: float = 0.2
    learn: float = 0.15
    guess: float = 0.2
    slip: float = 0.1
    forget: float = 0.0
    difficulty_step: float = DIFFICULTY_LOGIT_STEP

    def as_dict(self) -> dict:
        """A JSON-ready view of the parameters."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BKTParams:
        """Build parameters from a dict, ignoring unknown keys and defaulting missing (or null) ones."""
        names = cls.__dataclass_fields__
        return cls(**{k: float(v) for k, v in data.items() if k in names and v is not None})


DEFAULT_PARAMS = BKTParams()


@dataclass(frozen=True)
class Observation:
    """What one credited answer did: the prediction before it and the state after it."""
    predicted: float       # P(correct) the model gave this answer beforehand
    mastery: float         # P(known) given this answer (what the threshold is checked on)
    p_next: float          # P(known) at the next answer, before time passes
    memory: ReviewMemory   # the review curve after this answer


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def item_choices(item: dict) -> int:
    """How many options a choice item offers (0 for items answered in the student's own words)."""
    return len(item.get("choices") or ()) if item.get("kind") == "choice" else 0


def item_guess_slip(params: BKTParams, difficulty: float = NEUTRAL_DIFFICULTY,
                    choices: int = 0) -> tuple[float, float]:
    """Guess and slip for an item of difficulty 1..5 (3 keeps the skill's own) with `choices` options.

    Harder items are harder to guess and easier to slip on: guess moves down and slip up by
    the skill's `difficulty_step` log-odds per step above 3 (the reverse below 3). Picking
    one of n options at random is right 1/n of the time, so a choice item's guess is never
    below that.
    """
    d = min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY
    guess, slip = params.guess, params.slip
    if d != 0 and params.difficulty_step != 0:
        shift = params.difficulty_step * d
        guess, slip = _sigmoid(_logit(guess) - shift), _sigmoid(_logit(slip) + shift)
    if choices >= 2:
        guess = max(guess, 1.0 / choices)
    return guess, slip


def predict_correct(p_known: float, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0) -> float:
    """Chance of answering an item correctly, given P(known)."""
    guess, slip = item_guess_slip(params, difficulty, choices)
    return p_known * (1.0 - slip) + (1.0 - p_known) * guess


def posterior_known(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0) -> float:
    """P(known) after seeing one answer, before any learning."""
    guess, slip = item_guess_slip(params, difficulty, choices)
    if correct:
        known, unknown = p_known * (1.0 - slip), (1.0 - p_known) * guess
    else:
        known, unknown = p_known * slip, (1.0 - p_known) * (1.0 - guess)
    total = known + unknown
    return known / total if total > 0 else p_known


def update_mastery(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                   difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0) -> float:
    """P(known) at the next opportunity: the posterior given the answer, then learning (and per-answer forget)."""
    post = posterior_known(p_known, correct, params, difficulty, choices)
    return post * (1.0 - params.forget) + (1.0 - post) * params.learn


def known_at(p_next: float, memory: ReviewMemory, ts: float | None) -> float:
    """P(known) at epoch second `ts`: P(known) after the last answer, times the review curve's recall.

    Without a time (`ts` None) nothing is forgotten.
    """
    return p_next if ts is None else p_next * recall_probability(memory, ts)


def observe(p_next: float, memory: ReviewMemory, correct: bool, params: BKTParams = DEFAULT_PARAMS,
            difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0, ts: float | None = None) -> Observation:
    """One credited answer at `ts`: forget since the last practice, predict, update, learn."""
    p = known_at(p_next, memory, ts)
    return Observation(predict_correct(p, params, difficulty, choices),
                       posterior_known(p, correct, params, difficulty, choices),
                       update_mastery(p, correct, params, difficulty, choices),
                       memory if ts is None else update_review(memory, correct, ts))


def is_mastered(p_known: float, threshold: float = MASTERY_THRESHOLD) -> bool:
    """True when P(known) has reached the class's mastery threshold."""
    return p_known >= threshold
