"""Spaced review: an exponential forgetting curve whose stability grows with spaced recalls.

Recall after `t` days is 0.9 ** (t / stability): stability is the number of days until
recall falls to 90%. A successful recall stretches stability the more, the more had been
forgotten (reviewing the same hour teaches little; reviewing just in time teaches most),
and a failed recall shrinks it. This is the core of FSRS-style schedulers, without their
many fitted weights, which we do not have the data to fit yet.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

DAY = 86400.0
INITIAL_STABILITY_DAYS = 1.0
MIN_STABILITY_DAYS = 0.5
MAX_STABILITY_DAYS = 365.0
# Growth on success is 1 + GROWTH_PER_FORGOTTEN * (1 - recall), capped: a just-in-time
# review at 90% recall multiplies stability by 2.5, a same-day review by about 1.
GROWTH_PER_FORGOTTEN = 15.0
MAX_GROWTH = 4.0
LAPSE_FACTOR = 0.3
DEFAULT_TARGET_RECALL = 0.85


@dataclass(frozen=True)
class ReviewMemory:
    """What the scheduler knows about one skill's memory for one student."""
    stability_days: float = INITIAL_STABILITY_DAYS
    last_review_ts: float | None = None
    reviews: int = 0
    lapses: int = 0

    def as_dict(self) -> dict:
        """A JSON-ready view of the memory."""
        return asdict(self)


def recall_between(stability_days: float, last_review_ts: float | None, now: float) -> float:
    """Recall at `now` for a memory of this stability last reviewed at `last_review_ts` (1.0 if never)."""
    if last_review_ts is None:
        return 1.0
    elapsed_days = max(0.0, now - last_review_ts) / DAY
    return 0.9 ** (elapsed_days / stability_days)


def stability_after(stability_days: float, recall: float | None, recalled: bool) -> float:
    """Stability after a practice answer given at `recall` (None: the first practice)."""
    if recall is None:
        return INITIAL_STABILITY_DAYS if recalled else MIN_STABILITY_DAYS
    if recalled:
        growth = min(MAX_GROWTH, 1.0 + GROWTH_PER_FORGOTTEN * (1.0 - recall))
        return min(MAX_STABILITY_DAYS, stability_days * growth)
    return max(MIN_STABILITY_DAYS, stability_days * LAPSE_FACTOR)


def recall_probability(memory: ReviewMemory, now: float) -> float:
    """Predicted chance of recalling the skill at epoch second `now` (1.0 if never reviewed)."""
    return recall_between(memory.stability_days, memory.last_review_ts, now)


def update_review(memory: ReviewMemory, recalled: bool, ts: float) -> ReviewMemory:
    """The memory after a practice answer at `ts`: stability grows on recall, shrinks on failure."""
    first = memory.last_review_ts is None
    recall = None if first else recall_between(memory.stability_days, memory.last_review_ts, ts)
    return ReviewMemory(stability_after(memory.stability_days, recall, recalled), ts, memory.reviews + 1,
                        memory.lapses + (0 if recalled else 1))


def due_at(memory: ReviewMemory, target_recall: float = DEFAULT_TARGET_RECALL) -> float | None:
    """Epoch second when predicted recall falls to `target_recall`, or None if never practised."""
    if memory.last_review_ts is None:
        return None
    days = memory.stability_days * math.log(target_recall) / math.log(0.9)
    return memory.last_review_ts + days * DAY


def is_due(memory: ReviewMemory, now: float, target_recall: float = DEFAULT_TARGET_RECALL) -> bool:
    """True when the skill should come back for review at `now`."""
    when = due_at(memory, target_recall)
    return when is not None and now >= when
