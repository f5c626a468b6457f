"""Incremental student state: a replay that can stop, be stored, and carry on with later events.

A `Fold` is `state.replay` paused after some event of the log: the state so far, what the
next answer's reading depends on (`AnswerReader`), the diagnostic answers seen, and the
position (the last event's key in the server's canonical order). Advancing it with the
events after that position gives exactly the state a replay of the whole log gives, so
the state stays a pure function of the log; a stored fold only saves the work.

A fold is only valid for the inputs it was folded with: the fitted parameters, the mastery
threshold, the catalog's skills and items, the diagnostic sets, the priors the diagnostic
seeded, and the code of the model itself. `fold_basis` names all but the priors (which the
fold carries); a stored fold whose basis differs is recomputed.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import zlib
from dataclasses import dataclass, field

from . import bkt, review, state as state_module
from .diagnostic import seed_priors
from .review import ReviewMemory
from .state import AnswerReader, ItemState, MisconceptionState, SkillState, StudentState, apply_event, new_state

DAY = 86400
# The model's own code is part of every fold's basis: a server running changed arithmetic must not
# carry on from folds the old code made.
_MODEL_CODE = hashlib.sha256("".join(inspect.getsource(m) for m in (bkt, review, state_module)).encode()).hexdigest()
_catalog_prints: dict = {}


def order_key(event: dict) -> tuple:
    """An event's place in the server's canonical order: trusted time, device, sequence, id."""
    return (float(event.get("ts") or 0.0), int(event.get("device") or 0), int(event.get("seq") or 0),
            str(event.get("id") or ""))


def _catalog_print(catalog: dict) -> str:
    """What of the catalog a fold depends on (skills; each item's skill and difficulty), hashed once per catalog."""
    cached = _catalog_prints.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    shape = [sorted(catalog["skills"]),
             sorted((i, it.get("skill"), it.get("difficulty", 3)) for i, it in catalog["items"].items())]
    digest = hashlib.sha256(json.dumps(shape, separators=(",", ":")).encode()).hexdigest()
    if len(_catalog_prints) > 8:
        _catalog_prints.clear()
    _catalog_prints[id(catalog)] = (catalog, digest)  # holding the catalog keeps its id from being reused
    return digest


def fold_basis(catalog: dict, params_by_skill: dict, threshold: float, diagnostic_sets) -> str:
    """A short name for everything besides the log that a fold's state depends on."""
    params = {s: (p.as_dict() if hasattr(p, "as_dict") else dict(p)) for s, p in sorted((params_by_skill or {}).items())}
    text = json.dumps([_MODEL_CODE, _catalog_print(catalog), params, repr(float(threshold)), sorted(diagnostic_sets)],
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def priors_for(diagnostic_answers: list, catalog: dict, params_by_skill: dict) -> dict | None:
    """The priors the diagnostic's first-attempt answers seed (None when there are none)."""
    return seed_priors(diagnostic_answers, catalog, params_by_skill) if diagnostic_answers else None


@dataclass
class Fold:
    """A student's state after the events up to `position`, ready to take the next ones."""
    state: StudentState
    reader: AnswerReader = field(default_factory=AnswerReader)
    priors: dict | None = None
    diagnostic_sets: frozenset = frozenset()
    diagnostic_answers: list = field(default_factory=list)   # [item, correct] of first attempts, in log order
    position: tuple | None = None

    @classmethod
    def start(cls, catalog: dict, params_by_skill: dict, threshold: float, priors: dict | None = None,
              diagnostic_sets=()) -> Fold:
        """A fold before the first event."""
        return cls(state=new_state(catalog, params_by_skill, threshold, priors), priors=priors,
                   diagnostic_sets=frozenset(diagnostic_sets))

    def advance(self, events, catalog: dict, on_day_end=None) -> None:
        """Fold in events that all come after `position`, in canonical order.

        `on_day_end(fold)` is called whenever the next event falls on a later (UTC) day, so a
        caller can keep a checkpoint per day. An event at or before the position is an error:
        the caller must rewind to an earlier fold first.
        """
        for event in events:
            key = order_key(event)
            if self.position is not None:
                if key <= self.position:
                    raise ValueError(f"event {key} is not after the fold's position {self.position}; rewind first")
                if on_day_end is not None and key[0] // DAY != self.position[0] // DAY:
                    on_day_end(self)
            if self.diagnostic_sets:
                event["diagnostic"] = event.get("set") in self.diagnostic_sets
                if event["diagnostic"] and event.get("type") == "answer" and int(event.get("attempt") or 1) == 1:
                    self.diagnostic_answers.append([event.get("item"), bool(event.get("correct"))])
            apply_event(self.state, self.reader, event, catalog, self.priors)
            self.position = key

    @property
    def day(self) -> int | None:
        """The UTC day number of the position (None before the first event)."""
        return None if self.position is None else int(self.position[0] // DAY)

    def to_blob(self) -> bytes:
        """The fold as compressed JSON (floats kept exactly: JSON writes their shortest exact form)."""
        st = self.state
        doc = {
            "skills": {s: [k.p_known, k.mastery, k.attempts, k.credited, k.correct, k.hints, k.last_practised,
                           k.mastered, k.mastered_at, k.review.stability_days, k.review.last_review_ts,
                           k.review.reviews, k.review.lapses] for s, k in st.skills.items()},
            "items": {i: [v.attempts, v.last_answered, v.last_correct, v.last_shown, v.skips] for i, v in st.items.items()},
            "misconceptions": {m: [v.count, v.last_seen, v.seen_at] for m, v in st.misconceptions.items()},
            "reflections": [list(r) for r in st.reflections], "threshold": st.threshold, "events": st.events,
            "last_event_ts": st.last_event_ts, "reader": self.reader.as_list(), "priors": self.priors,
            "diagnostic_sets": sorted(self.diagnostic_sets), "diagnostic_answers": self.diagnostic_answers,
            "position": list(self.position) if self.position else None,
        }
        return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)

    @classmethod
    def from_blob(cls, blob: bytes, params_by_skill: dict) -> Fold:
        """A fold read back from `to_blob`, with the parameters its basis names."""
        doc = json.loads(zlib.decompress(blob))
        skills = {}
        for s, v in doc["skills"].items():
            skills[s] = SkillState(p_known=v[0], mastery=v[1], attempts=v[2], credited=v[3], correct=v[4], hints=v[5],
                                   last_practised=v[6], mastered=v[7], mastered_at=v[8],
                                   review=ReviewMemory(stability_days=v[9], last_review_ts=v[10], reviews=v[11],
                                                       lapses=v[12]))
        st = StudentState(
            skills=skills,
            misconceptions={m: MisconceptionState(count=v[0], last_seen=v[1], seen_at=v[2])
                            for m, v in doc["misconceptions"].items()},
            items={i: ItemState(attempts=v[0], last_answered=v[1], last_correct=v[2], last_shown=v[3], skips=v[4])
                   for i, v in doc["items"].items()},
            reflections=[tuple(r) for r in doc["reflections"]],
            params={s: state_module._params_for(params_by_skill, s) for s in skills},
            threshold=doc["threshold"], events=doc["events"], last_event_ts=doc["last_event_ts"])
        fresh, hints, last = doc["reader"]
        position = doc["position"]
        return cls(state=st, reader=AnswerReader(fresh, hints, last), priors=doc["priors"],
                   diagnostic_sets=frozenset(doc["diagnostic_sets"]), diagnostic_answers=doc["diagnostic_answers"],
                   position=tuple(position) if position else None)
