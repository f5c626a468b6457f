"""EM for the learning model: one iteration (E-step and bounded M-step) and the log-likelihood.

Each answer is a step (correct, difficulty level, recall, item): the item's difficulty, number
of choices and own offset set its guess and slip as `bkt.item_guess_slip` does, and `recall` is the review
curve's survival since the skill was last practised (`bkt.known_at`), so time forgetting
sits in the E-step exactly where prediction puts it. The M-step is closed form for prior,
learn and forget; guess, slip, the skill's difficulty step and each item's own offset are
small concave problems solved in `m_step.py`.

Pure Python, made fast by working on a two-state HMM as scalars: the forward pass keeps
only P(known) per step, and the backward pass is the scalar smoothing recursion.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

from .bkt import NEUTRAL_DIFFICULTY, BKTParams
from .m_step import BOUNDS, ITEM_OFFSET_LIMIT, ITEM_PRIOR_RESPONSES, clip, logit, maximise_guess_slip, sigmoid  # noqa: F401 - em's names too


@dataclass(frozen=True)
class ModelSpec:
    """Which parts of the model a fit (and a kt-eval prediction) uses."""
    name: str
    items: bool        # item difficulty and the 1/choices guess floor
    time: bool         # forgetting over elapsed time along the review curve
    fit_forget: bool   # per-answer forget fitted (plain BKT); otherwise held at 0
    item_offsets: bool = False  # each item's own offset from its difficulty level, learned


RUNNING = ModelSpec("abhyas", items=True, time=True, fit_forget=False, item_offsets=True)
# The running model without per-item offsets (difficulty levels only), to measure what they add.
PER_SKILL = ModelSpec("abhyas-skill", items=True, time=True, fit_forget=False)
PLAIN_BKT = ModelSpec("bkt", items=False, time=False, fit_forget=True)
MODELS = {m.name: m for m in (RUNNING, PER_SKILL, PLAIN_BKT)}

_TINY = 1e-300
PARAM_NAMES = ("prior", "learn", "guess", "slip", "forget", "difficulty_step")


def _level_key(difficulty, choices, item="") -> tuple[float, float, str]:
    return (min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY,
            1.0 / choices if choices and choices >= 2 else 0.0, item)


class StepData:
    """Step sequences of one skill, deduplicated, with the counts EM needs.

    A sequence is a student's answers in order: each a bare 0/1 (a neutral item, no time)
    or a (correct, difficulty, choices, recall[, item id]) step. A level is (difficulty
    offset, guess floor, item id or ""); each step is stored as a key, 2 * level + correct,
    so the E-step looks its likelihoods up in one list; recalls are None for a sequence
    with no time between its answers.
    """

    def __init__(self, sequences: Iterable = (), spec: ModelSpec = RUNNING, *,
                 weighted: list | None = None, levels: list | None = None):
        self.spec = spec
        if weighted is None:
            raw = []
            first_seen: list = []     # level keys in the order met; a step's key counts in this order until sorted
            level_id: dict = {}       # level key -> its place in first_seen
            id_of: dict = {}          # (difficulty, choices, item) as given -> that place, computed once each
            items, use_time = spec.items, spec.time
            for seq in sequences:
                keys, recalls = [], []
                for x in seq:
                    o, d, c, r, item = (x if len(x) >= 5 else (*x, "")) if isinstance(x, (tuple, list)) \
                        else (x, NEUTRAL_DIFFICULTY, 0, 1.0, "")
                    lid = id_of.get((d, c, item))
                    if lid is None:
                        dd, cc = (d, c) if items else (NEUTRAL_DIFFICULTY, 0)
                        level = _level_key(dd, cc, str(item) if spec.item_offsets and item is not None else "")
                        if level not in level_id:
                            level_id[level] = len(first_seen)
                            first_seen.append(level)
                        lid = id_of[(d, c, item)] = level_id[level]
                    keys.append(2 * lid + (1 if o else 0))
                    recalls.append(float(r) if use_time else 1.0)
                if keys:
                    raw.append((keys, recalls))
            levels = sorted(first_seen) or [(0.0, 0.0, "")]
            place = [0] * (2 * len(first_seen))
            for i, level in enumerate(levels[:len(first_seen)]):
                place[2 * level_id[level]], place[2 * level_id[level] + 1] = 2 * i, 2 * i + 1
            counts = Counter((tuple(map(place.__getitem__, keys)),
                              None if recalls.count(1.0) == len(recalls) else tuple(recalls)) for keys, recalls in raw)
            # Sorted so that the sums, and therefore the fit, do not depend on input order.
            weighted = [(keys, recalls, w) for (keys, recalls), w in
                        sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ()))]
        self.levels = levels
        # Items with an offset of their own, and each level's index among them (-1: no item).
        self.items = sorted({item for _, _, item in levels if item})
        item_index = {item: i for i, item in enumerate(self.items)}
        self.level_item = [item_index.get(item, -1) for _, _, item in levels]
        self.seqs = weighted
        self.key_counts = [0] * (2 * len(levels))
        for keys, _, w in weighted:
            for k in keys:
                self.key_counts[k] += w
        self.n_seq = sum(w for _, _, w in weighted)
        self.n = sum(self.key_counts)
        self.n1 = sum(self.key_counts[1::2])
        self.n_nonlast = self.n - self.n_seq
        self.first_correct = sum((keys[0] & 1) * w for keys, _, w in weighted)

    def subsample(self, max_responses: int) -> StepData:
        """Every k-th distinct sequence, for cheap runs that only need to get close."""
        if self.n <= max_responses:
            return self
        return StepData(spec=self.spec, weighted=self.seqs[::-(-self.n // max_responses)], levels=self.levels)


def clipped(values, spec: ModelSpec, items=()) -> BKTParams:
    """Parameters from values in PARAM_NAMES order, then one offset per item of `items`, bounded,
    with what the model holds fixed set."""
    values = list(values)
    p = dict(zip(PARAM_NAMES, (clip(n, v) for n, v in zip(PARAM_NAMES, values))))
    if not spec.fit_forget:
        p["forget"] = 0.0
    if not spec.items:
        p["difficulty_step"] = 0.0
    if spec.item_offsets and items:
        limit = ITEM_OFFSET_LIMIT
        p["item_offsets"] = tuple((item, max(-limit, min(limit, b)) if b == b else 0.0)
                                  for item, b in zip(items, values[len(PARAM_NAMES):]))
    return BKTParams(**p)


def as_vector(p: BKTParams, items=()) -> list[float]:
    """The parameters in PARAM_NAMES order, then each of `items`' offsets (what `clipped` reads back)."""
    return [getattr(p, n) for n in PARAM_NAMES] + [p.item_offset(item) for item in items]


def _level_guess_slip(p: BKTParams, level: tuple) -> tuple[float, float]:
    """`bkt.item_guess_slip` for a (difficulty offset, guess floor, item) level."""
    d, floor, item = level
    guess, slip = p.guess, p.slip
    shift = p.difficulty_step * d + (p.item_offset(item) if item else 0.0)
    if shift != 0:
        guess, slip = sigmoid(logit(guess) - shift), sigmoid(logit(slip) + shift)
    return max(guess, floor), slip


def em_step(data: StepData, p: BKTParams) -> tuple[BKTParams, float]:
    """One EM iteration: expected counts under `p`, then the bounded M-step.

    Returns the new parameters and the log-likelihood of the data under `p`.
    """
    prior, learn, forget = p.prior, p.learn, p.forget
    keep = 1.0 - forget
    gain = keep - learn  # P(known after learning) = learn + P(known now) * gain
    if_known, if_unknown = _emissions(data, p)
    known_by_key = [0.0] * len(if_known)  # expected answers given while known, by key
    log = math.log
    ll = 0.0
    sum_first = s01 = s10 = sg_nonlast = 0.0
    for keys, recalls, w in data.seqs:
        # Forward: posts[t] = P(known at t | answers up to t). Between answers, learning,
        # then the review curve's survival (recalls[0] is 1: nothing to forget before the first).
        posts = []
        push = posts.append
        a = prior
        lik = 1.0
        if recalls is None:
            for k in keys:
                num = a * if_known[k]
                den = num + (1.0 - a) * if_unknown[k]
                a = num / den
                push(a)
                a = learn + a * gain
                lik *= den
                if lik < 1e-250:  # fold into the log before a long sequence underflows
                    ll += w * log(lik)
                    lik = 1.0
        else:
            for k, r in zip(keys, recalls):
                a *= r
                num = a * if_known[k]
                den = num + (1.0 - a) * if_unknown[k]
                a = num / den
                push(a)
                a = learn + a * gain
                lik *= den
                if lik < 1e-250:
                    ll += w * log(lik)
                    lik = 1.0
        ll += w * log(lik)
        # Backward: g = P(known at t | the whole sequence). With time between answers the
        # state passes through "after learning" before the review curve's survival r.
        g = posts[-1]
        known_by_key[keys[-1]] += w * g
        q01 = q10 = q_nonlast = 0.0
        # Walking back from the second-last answer: recalls[t + 1] is the fading between answers t and t + 1.
        fading = reversed(recalls[1:]) if recalls is not None else repeat(1.0)
        for post, k, r in zip(reversed(posts[:-1]), reversed(keys[:-1]), fading):
            m = learn + post * gain
            if r < 1.0:
                rest = 1.0 - m * r  # inline, not max(): this runs once per answer per iteration
                g = g + (1.0 - g) * m * (1.0 - r) / (rest if rest > _TINY else _TINY)
            r1 = g / m
            q01 += (1.0 - post) * r1
            if forget:
                u = post * (1.0 - g) / (1.0 - m) if 1.0 - m > 1e-12 else 0.0
                q10 += u
                g = post * keep * r1 + forget * u
            else:  # the running model: no per-answer forgetting, the same sums with half the work
                g = post * r1
            q_nonlast += g
            known_by_key[k] += w * g
        sum_first += w * g
        s01 += w * q01
        s10 += w * q10
        sg_nonlast += w * q_nonlast
    s01 *= learn
    s10 *= forget
    counts = data.key_counts
    right_known, wrong_known = known_by_key[1::2], known_by_key[0::2]
    right_unknown = [n - k for n, k in zip(counts[1::2], right_known)]
    wrong_unknown = [n - k for n, k in zip(counts[0::2], wrong_known)]
    guess, slip, step, offsets = maximise_guess_slip(p, data, right_unknown, wrong_unknown, wrong_known, right_known)
    new = (sum_first / data.n_seq, s01 / max(data.n_nonlast - sg_nonlast, 1e-12), guess, slip,
           s10 / max(sg_nonlast, 1e-12), step, *offsets)
    return clipped(new, data.spec, data.items), ll


def _emissions(data: StepData, p: BKTParams) -> tuple[list, list]:
    """P(the step's answer | known) and P(... | unknown), by step key (2 * level + correct)."""
    if_known, if_unknown = [], []
    for level in data.levels:
        guess, slip = _level_guess_slip(p, level)
        if_known += [slip, 1.0 - slip]
        if_unknown += [1.0 - guess, guess]
    return if_known, if_unknown


def log_likelihood(data_or_sequences, params: BKTParams, spec: ModelSpec = RUNNING) -> float:
    """Log-likelihood of step sequences under the parameters: `em_step`'s forward pass alone, to the last bit."""
    data = data_or_sequences if isinstance(data_or_sequences, StepData) else StepData(data_or_sequences, spec)
    learn = params.learn
    gain = 1.0 - params.forget - learn
    if_known, if_unknown = _emissions(data, params)
    log = math.log
    ll = 0.0
    for keys, recalls, w in data.seqs:
        a = params.prior
        lik = 1.0
        for k, r in zip(keys, recalls) if recalls is not None else ((k, 1.0) for k in keys):
            a *= r
            num = a * if_known[k]
            den = num + (1.0 - a) * if_unknown[k]
            a = learn + num / den * gain
            lik *= den
            if lik < 1e-250:
                ll += w * log(lik)
                lik = 1.0
        ll += w * log(lik)
    return ll
