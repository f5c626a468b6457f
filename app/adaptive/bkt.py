"""The learning model: Bayesian Knowledge Tracing with item difficulty, choice guessing and forgetting over time.

One answer moves P(known) in three steps: time since the skill was last practised lowers
it along the review curve (`review.recall_probability`, the one forgetting story the
scheduler also uses); the answer updates it through the item's own guess and slip (the
skill's, shifted by the item's difficulty level and by the item's own fitted offset, with a
1/choices floor on guessing for choice items); then learning raises it. `fit.py` fits exactly this model, `state.replay` runs it,
and the service worker's `bkt.js` mirrors it, checked against `tests/golden/bkt.json`.
"""
from __future__ import annotations

import json
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
    `item_offsets` are ((item id, log-odds), ...): how much harder (positive) or easier than
    its difficulty level the data showed each item to be, learned by `abhyas fit` (KT-IDEM
    style, shrunk towards 0 for rarely answered items). Items not listed sit at their level.
    """
    prior: float = 0.2
    learn: float = 0.15
    guess: float = 0.2
    slip: float = 0.1
    forget: float = 0.0
    difficulty_step: float = DIFFICULTY_LOGIT_STEP
    item_offsets: tuple = ()

    def __post_init__(self):
        # Sorted, so equal offsets make equal parameters whatever order they came in; and a
        # dict beside the tuple, so a lookup per answer does not rehash every item's pair.
        object.__setattr__(self, "item_offsets", tuple(sorted(self.item_offsets)))
        object.__setattr__(self, "_offsets", dict(self.item_offsets))

    def as_dict(self) -> dict:
        """A JSON-ready view of the parameters (item offsets as an {item id: log-odds} object)."""
        out = asdict(self)
        out["item_offsets"] = dict(self.item_offsets)
        return out

    def item_offset(self, item_id) -> float:
        """The item's fitted log-odds offset from its difficulty level (0 for an item the fit did not single out)."""
        return self._offsets.get(item_id, 0.0)

    @classmethod
    def from_dict(cls, data: dict) -> BKTParams:
        """Build parameters from a dict, ignoring unknown keys and defaulting missing (or null) ones.

        `item_offsets` may be an {item id: log-odds} object or its JSON text (as stored).
        """
        names = cls.__dataclass_fields__
        values = {k: float(v) for k, v in data.items() if k in names and k != "item_offsets" and v is not None}
        offsets = data.get("item_offsets")
        if isinstance(offsets, str):
            offsets = json.loads(offsets) if offsets.strip() else {}
        if offsets:
            values["item_offsets"] = tuple(sorted((str(k), float(v)) for k, v in dict(offsets).items()))
        return cls(**values)



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
                    choices: int = 0, offset: float = 0.0) -> tuple[float, float]:
    """Guess and slip for an item of difficulty 1..5 (3 keeps the skill's own) with `choices` options.

    Harder items are harder to guess and easier to slip on: guess moves down and slip up by
    the skill's `difficulty_step` log-odds per step above 3 (the reverse below 3), plus the
    item's own fitted `offset` (`BKTParams.item_offset`). Picking one of n options at random
    is right 1/n of the time, so a choice item's guess is never below that.
    """
    d = min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY
    guess, slip = params.guess, params.slip
    shift = params.difficulty_step * d + offset
    if shift != 0:
        guess, slip = _sigmoid(_logit(guess) - shift), _sigmoid(_logit(slip) + shift)
    if choices >= 2:
        guess = max(guess, 1.0 / choices)
    return guess, slip


def predict_correct(p_known: float, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0, offset: float = 0.0) -> float:
    """Chance of answering an item correctly, given P(known)."""
    guess, slip = item_guess_slip(params, difficulty, choices, offset)
    return p_known * (1.0 - slip) + (1.0 - p_known) * guess


def posterior_known(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                    difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0, offset: float = 0.0) -> float:
    """P(known) after seeing one answer, before any learning."""
    guess, slip = item_guess_slip(params, difficulty, choices, offset)
    if correct:
        known, unknown = p_known * (1.0 - slip), (1.0 - p_known) * guess
    else:
        known, unknown = p_known * slip, (1.0 - p_known) * (1.0 - guess)
    total = known + unknown
    return known / total if total > 0 else p_known


def update_mastery(p_known: float, correct: bool, params: BKTParams = DEFAULT_PARAMS,
                   difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0, offset: float = 0.0) -> float:
    """P(known) at the next opportunity: the posterior given the answer, then learning (and per-answer forget)."""
    post = posterior_known(p_known, correct, params, difficulty, choices, offset)
    return post * (1.0 - params.forget) + (1.0 - post) * params.learn


def known_at(p_next: float, memory: ReviewMemory, ts: float | None) -> float:
    """P(known) at epoch second `ts`: P(known) after the last answer, times the review curve's recall.

    Without a time (`ts` None) nothing is forgotten.
    """
    return p_next if ts is None else p_next * recall_probability(memory, ts)


def observe(p_next: float, memory: ReviewMemory, correct: bool, params: BKTParams = DEFAULT_PARAMS,
            difficulty: float = NEUTRAL_DIFFICULTY, choices: int = 0, ts: float | None = None,
            offset: float = 0.0) -> Observation:
    """One credited answer at `ts`: forget since the last practice, predict, update, learn (`offset`: the item's own)."""
    p = known_at(p_next, memory, ts)
    return Observation(predict_correct(p, params, difficulty, choices, offset),
                       posterior_known(p, correct, params, difficulty, choices, offset),
                       update_mastery(p, correct, params, difficulty, choices, offset),
                       memory if ts is None else update_review(memory, correct, ts))


def is_mastered(p_known: float, threshold: float = MASTERY_THRESHOLD) -> bool:
    """True when P(known) has reached the class's mastery threshold."""
    return p_known >= threshold
