"""Bayesian Knowledge Tracing with a forget term, plus item-level success prediction.

The service worker's `bkt.js` mirrors `update_mastery` and `predict_correct`; both are
checked against `tests/golden/bkt.json`.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

MASTERY_THRESHOLD = 0.95
NEUTRAL_DIFFICULTY = 3
# How far one difficulty step moves guess and slip, in log-odds. 0.5 per step means a
# difficulty-1 item roughly doubles the chance of guessing it and halves the chance of
# slipping on it, compared with the skill's average (difficulty-3) item.
DIFFICULTY_LOGIT_STEP = 0.5


@dataclass(frozen=True)
class BKTParams:
    """One skill's BKT parameters; `forget` is P(known -> unknown) per opportunity."""
    prior: float = 0.2
    learn: float = 0.15
    guess: float = 0.2
    slip: float = 0.1
    forget: float = 0.02

    def as_dict(self) -> dict:
        """A JSON-ready view of the parameters."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BKTParams:
        """Build parameters from a dict, ignoring unknown keys and defaulting missing ones."""
        names = cls.__dataclass_fields__
        return cls(**{k: float(v) for k, v in data.items() if k in names})


DEFAULT_PARAMS = BKTParams()


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def item_guess_slip(params: BKTParams, difficulty: float = NEUTRAL_DIFFICULTY) -> tuple[float, float]:
    """Guess and slip for an item of difficulty 1..5 (3 keeps the skill's own values).

    Harder items are harder to guess and easier to slip on: guess moves down and slip up
    by DIFFICULTY_LOGIT_STEP log-odds per step above 3 (and the reverse below 3).
    """
    d = min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY
    if d == 0:
        return params.guess, params.slip
    shift = DIFFICULTY_LOGIT_STEP * d
    return _sigmoid(_logit(params.guess) - shift), _sigmoid(_logit(params.slip) + shift)


def predict_correct(p_known: float, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY) -> float:
    """Chance of answering an item of this difficulty correctly, given P(known)."""
    guess, slip = item_guess_slip(params, difficulty)
    return p_known * (1.0 - slip) + (1.0 - p_known) * guess


def posterior_known(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY) -> float:
    """P(known) after seeing one answer, before any learning or forgetting."""
    guess, slip = item_guess_slip(params, difficulty)
    if correct:
        known, unknown = p_known * (1.0 - slip), (1.0 - p_known) * guess
    else:
        known, unknown = p_known * slip, (1.0 - p_known) * (1.0 - guess)
    total = known + unknown
    return known / total if total > 0 else p_known


def update_mastery(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                   difficulty: float = NEUTRAL_DIFFICULTY) -> float:
    """P(known) at the next opportunity: the posterior given the answer, then learn/forget."""
    post = posterior_known(p_known, correct, params, difficulty)
    return post * (1.0 - params.forget) + (1.0 - post) * params.learn


def is_mastered(p_known: float, threshold: float = MASTERY_THRESHOLD) -> bool:
    """True when P(known) has reached the class's mastery threshold."""
    return p_known >= threshold
