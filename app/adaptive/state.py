"""A student's learning state as a pure function of their event log.

`replay` folds validated, server-ordered events into mastery per skill, counts,
misconception sightings, item history and review memory. Nothing else feeds the state,
so replaying the same log always gives an equal state, and an event id seen twice counts
once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .bkt import DEFAULT_PARAMS, MASTERY_THRESHOLD, BKTParams, item_choices, known_at, observe
from .review import ReviewMemory

MAX_SIGHTINGS_KEPT = 20


@dataclass
class SkillState:
    """Mastery and practice history of one skill."""
    p_known: float            # P(known) at the next answer, after learning, before time forgets it (`known_now`)
    mastery: float            # P(known) given the answers so far: what the threshold is checked on
    attempts: int = 0         # every answer, retries included
    credited: int = 0         # answers that moved mastery (first attempt at a showing)
    correct: int = 0          # correct answers, retries and hinted ones included
    hints: int = 0
    last_practised: float | None = None
    mastered: bool = False
    mastered_at: float | None = None
    review: ReviewMemory = field(default_factory=ReviewMemory)


@dataclass
class MisconceptionState:
    """How often, and when, a misconception showed up in answers."""
    count: int = 0
    last_seen: float | None = None
    seen_at: list = field(default_factory=list)  # the latest sighting times, oldest first


@dataclass
class ItemState:
    """One item's history for this student."""
    attempts: int = 0
    last_answered: float | None = None
    last_correct: float | None = None
    last_shown: float | None = None
    skips: int = 0
    last_helped: float | None = None  # the last time its answer was shown: a hint, or the solution after a second miss


@dataclass
class StudentState:
    """Everything the selector needs to know about one student, rebuilt from events."""
    skills: dict
    misconceptions: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    reflections: list = field(default_factory=list)   # (reflection id, ts) in order
    params: dict = field(default_factory=dict)        # skill -> BKTParams used for this state
    threshold: float = MASTERY_THRESHOLD
    events: int = 0
    last_event_ts: float | None = None

    def as_dict(self) -> dict:
        """A JSON-ready view of the state (params as plain dicts)."""
        return asdict(self)

    def mastered_skills(self) -> set:
        """Skills at or above the mastery threshold."""
        return {s for s, st in self.skills.items() if st.mastered}


def known_now(skill_state: SkillState, now: float) -> float:
    """P(known) at epoch second `now`: mastery fades along the review curve while a skill goes unpractised."""
    return known_at(skill_state.p_known, skill_state.review, now)


def _params_for(params_by_skill: dict, skill: str) -> BKTParams:
    p = (params_by_skill or {}).get(skill, DEFAULT_PARAMS)
    return p if isinstance(p, BKTParams) else BKTParams.from_dict(p)


def mastery_credit(event: dict, hints_used: int | None = None) -> bool:
    """The outcome mastery sees: correct without hints (a hinted answer shows help, not skill).

    Fitting (`abhyas fit`) must use the same rule, through `mastery_observations`.
    """
    hints = int(event.get("hints") or 0) if hints_used is None else hints_used
    return bool(event.get("correct")) and hints == 0


def _unique(events):
    """Events in order, each id once (an event delivered twice is one fact)."""
    seen_ids: set = set()
    for event in events:
        event_id = event.get("id")
        if event_id is not None:
            if event_id in seen_ids:
                continue
            seen_ids.add(event_id)
        yield event


class AnswerReader:
    """Reads answers one event at a time: hints used, and whether it is a first attempt.

    Hints used are the answer's own `hints` or the hint events for that item since it was
    last shown, whichever is more (phones may record either). An answer is a first attempt
    when it is the first answer to the item since it was shown (or since another item was
    answered) and the phone did not number it as a later attempt: retries after feedback
    are not fresh evidence of what the student knew. What it remembers between events is
    small and serialisable, so a stored checkpoint can carry it.
    """

    def __init__(self, fresh=(), hint_events=None, last_answered=None):
        self.fresh: set = set(fresh)
        self.hint_events: dict = dict(hint_events or {})
        self.last_answered = last_answered

    def read(self, event: dict, catalog: dict):
        """(hints used, first attempt) for an answer to a catalog item; None for any other event."""
        kind, item_id = event.get("type"), event.get("item")
        if kind == "shown":
            self.fresh.add(item_id)
            self.hint_events[item_id] = 0
        elif kind == "hint":
            self.hint_events[item_id] = self.hint_events.get(item_id, 0) + 1
        elif kind == "answer" and item_id in catalog["items"]:
            first = (item_id in self.fresh or item_id != self.last_answered) and int(event.get("attempt") or 1) == 1
            self.fresh.discard(item_id)
            self.last_answered = item_id
            return max(int(event.get("hints") or 0), self.hint_events.get(item_id, 0)), first
        return None

    def as_list(self) -> list:
        """A JSON-ready form ([fresh items sorted, hint counts, last answered item])."""
        return [sorted(self.fresh, key=str), self.hint_events, self.last_answered]


def annotated_answers(events, catalog: dict):
    """Yield (event, hints_used, first_attempt) for each answer to a catalog item (see `AnswerReader`)."""
    reader = AnswerReader()
    for event in _unique(events):
        note = reader.read(event, catalog)
        if note is not None:
            yield event, note[0], note[1]


def mastery_observations(events, catalog: dict):
    """Yield (skill, item, credited_correct, event) for each answer that counts for mastery."""
    for event, hints, first in annotated_answers(events, catalog):
        if first:
            item_id = event["item"]
            yield catalog["items"][item_id]["skill"], item_id, mastery_credit(event, hints), event


def new_state(catalog: dict, params_by_skill: dict | None = None, threshold: float = MASTERY_THRESHOLD,
              priors: dict | None = None) -> StudentState:
    """The state before any event: each skill at its prior (the diagnostic's where it seeded one)."""
    params = {s: _params_for(params_by_skill, s) for s in sorted(catalog["skills"])}
    skills = {}
    for s, p in params.items():
        start = (priors or {}).get(s, p.prior)
        skills[s] = SkillState(p_known=start, mastery=start, mastered=start >= threshold)
    return StudentState(skills=skills, params=params, threshold=threshold)


def apply_event(state: StudentState, reader: AnswerReader, event: dict, catalog: dict,
                priors: dict | None = None) -> None:
    """Fold one event (the next in log order) into the state; `reader` carries the answers' context."""
    note = reader.read(event, catalog)
    state.events += 1
    ts = float(event.get("ts") or 0.0)
    state.last_event_ts = ts if state.last_event_ts is None else max(state.last_event_ts, ts)
    kind, item_id = event.get("type"), event.get("item")
    if kind == "reflection":
        state.reflections.append((event.get("reflection") or event.get("prompt") or item_id, ts))
        return
    if item_id not in catalog["items"]:
        return
    item_state = state.items.setdefault(item_id, ItemState())
    if kind == "shown":
        item_state.last_shown = ts
    elif kind == "skip":
        item_state.skips += 1
    elif kind == "hint":
        item_state.last_helped = ts
    elif kind == "answer":
        hints, first = note
        if int(event.get("attempt") or 1) >= 2 and not event.get("correct"):
            item_state.last_helped = ts  # a second miss: the phone shows the worked solution next
        counts = first and not (priors and event.get("diagnostic"))
        _apply_answer(state, catalog, item_id, item_state, event, ts, hints, counts)


def replay(events, catalog: dict, params_by_skill: dict | None = None,
           threshold: float = MASTERY_THRESHOLD, priors: dict | None = None) -> StudentState:
    """Fold a student's ordered events into their state.

    `priors` (from `diagnostic.seed_priors`) replace the fitted prior per skill; answers
    flagged `"diagnostic": true` are then not counted again for mastery.
    """
    state = new_state(catalog, params_by_skill, threshold, priors)
    reader = AnswerReader()
    for event in _unique(events):
        apply_event(state, reader, event, catalog, priors)
    return state


def _apply_answer(state: StudentState, catalog: dict, item_id: str, item_state: ItemState,
                  event: dict, ts: float, hints: int, counts_for_mastery: bool) -> None:
    item = catalog["items"][item_id]
    skill = item["skill"]
    sk = state.skills.get(skill)
    if sk is None:
        return
    correct = bool(event.get("correct"))
    item_state.attempts += 1
    item_state.last_answered = ts
    if correct:
        item_state.last_correct = ts
    sk.attempts += 1
    sk.correct += int(correct)
    sk.hints += hints
    sk.last_practised = ts
    if counts_for_mastery:
        credit = mastery_credit(event, hints)
        params = state.params[skill]
        seen = observe(sk.p_known, sk.review, credit, params, item.get("difficulty", 3),
                       item_choices(item), ts, params.item_offset(item_id))
        sk.mastery, sk.p_known, sk.review = seen.mastery, seen.p_next, seen.memory
        sk.credited += 1
        now_mastered = sk.mastery >= state.threshold
        if now_mastered and not sk.mastered:
            sk.mastered_at = ts
        elif not now_mastered:
            sk.mastered_at = None
        sk.mastered = now_mastered
    mc = event.get("misconception")
    if mc:
        mc_state = state.misconceptions.setdefault(mc, MisconceptionState())
        mc_state.count += 1
        mc_state.last_seen = ts
        mc_state.seen_at = (mc_state.seen_at + [ts])[-MAX_SIGHTINGS_KEPT:]
