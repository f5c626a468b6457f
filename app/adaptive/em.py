"""EM for the learning model: one iteration (E-step and bounded M-step) and the log-likelihood.

Each answer is a step (correct, difficulty level, recall, item): the item's difficulty, number
of choices and own offset set its guess and slip as `bkt.item_guess_slip` does, and `recall` is the review
curve's survival since the skill was last practised (`bkt.known_at`), so time forgetting
sits in the E-step exactly where prediction puts it. The M-step is closed form for prior,
learn and forget; guess, slip and the skill's difficulty step are a small concave problem
over the few (difficulty, choices) levels, solved by Newton's method, with the step shrunk
towards its default so that thin skills keep it. Each item's own offset (KT-IDEM style) is
then a one-dimensional Newton problem of its own answers, with a Gaussian prior at 0 worth
`ITEM_PRIOR_RESPONSES` answers: an item answered five times stays near its level, one
answered five hundred times shows its own difficulty.

Pure Python, made fast by working on a two-state HMM as scalars: the forward pass keeps
only P(known) per step, and the backward pass is the scalar smoothing recursion.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .bkt import DIFFICULTY_LOGIT_STEP, NEUTRAL_DIFFICULTY, BKTParams

# Bounds keep the model identifiable: guess or slip above 0.3 lets EM swap "known" and
# "unknown" (a student who "knows" and mostly fails), and a forget above 0.1 per answer
# would describe students who lose a skill within a few items, which practice never shows.
# A difficulty step above 1 log-odds would let an easy item's guess pass its known rate.
BOUNDS = {
    "prior": (0.01, 0.99),
    "learn": (0.005, 0.6),
    "guess": (0.01, 0.3),
    "slip": (0.01, 0.3),
    "forget": (0.0005, 0.1),
    "difficulty_step": (0.0, 1.0),
}
# Shrinkage of the difficulty step towards its default, as a Gaussian prior's precision:
# worth about as much as a few dozen answers spread over the difficulty levels.
STEP_PRECISION = 20.0
# An item's offset is pulled towards its difficulty level (offset 0) by a prior worth this
# many of the skill's answers, and never leaves +-ITEM_OFFSET_LIMIT log-odds.
ITEM_PRIOR_RESPONSES = 20.0
ITEM_OFFSET_LIMIT = 3.0
_TINY = 1e-300


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
            level_of: dict = {}  # (difficulty, choices, item) as given -> level key, computed once each
            items, use_time = spec.items, spec.time
            for seq in sequences:
                steps = []
                for x in seq:
                    o, d, c, r, item = (x if len(x) >= 5 else (*x, "")) if isinstance(x, (tuple, list)) \
                        else (x, NEUTRAL_DIFFICULTY, 0, 1.0, "")
                    level = level_of.get((d, c, item))
                    if level is None:
                        dd, cc = (d, c) if items else (NEUTRAL_DIFFICULTY, 0)
                        level = level_of[(d, c, item)] = _level_key(
                            dd, cc, str(item) if spec.item_offsets and item is not None else "")
                    steps.append((1 if o else 0, level, float(r) if use_time else 1.0))
                if steps:
                    raw.append(steps)
            levels = sorted({key for steps in raw for _, key, _ in steps}) or [(0.0, 0.0, "")]
            index = {key: i for i, key in enumerate(levels)}
            counts = Counter((tuple(2 * index[key] + o for o, key, _ in steps),
                              None if all(r == 1.0 for _, _, r in steps) else tuple(r for _, _, r in steps))
                             for steps in raw)
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


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def clip(name: str, value: float) -> float:
    """`value` held inside the parameter's bounds (NaN goes to the lower bound)."""
    lo, hi = BOUNDS[name]
    return lo if value < lo or value != value else hi if value > hi else value


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
        guess, slip = _sigmoid(_logit(guess) - shift), _sigmoid(_logit(slip) + shift)
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
        last = len(keys) - 1
        g = posts[last]
        known_by_key[keys[last]] += w * g
        q01 = q10 = q_nonlast = 0.0
        for t in range(last - 1, -1, -1):
            post = posts[t]
            m = learn + post * gain
            if recalls is not None:
                r = recalls[t + 1]
                if r < 1.0:
                    g = g + (1.0 - g) * m * (1.0 - r) / max(1.0 - m * r, _TINY)
            r1 = g / m
            q01 += (1.0 - post) * r1
            if forget:
                u = post * (1.0 - g) / (1.0 - m) if 1.0 - m > 1e-12 else 0.0
                q10 += u
                g = post * keep * r1 + forget * u
            else:  # the running model: no per-answer forgetting, the same sums with half the work
                g = post * r1
            q_nonlast += g
            known_by_key[keys[t]] += w * g
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
    guess, slip, step, offsets = _m_guess_slip(p, data, right_unknown, wrong_unknown, wrong_known, right_known)
    new = (sum_first / data.n_seq, s01 / max(data.n_nonlast - sg_nonlast, 1e-12), guess, slip,
           s10 / max(sg_nonlast, 1e-12), step, *offsets)
    return clipped(new, data.spec, data.items), ll


def _m_guess_slip(p: BKTParams, data: StepData, right_unknown, wrong_unknown, wrong_known, right_known):
    """Guess, slip, difficulty step and item offsets maximising the expected log-likelihood.

    Block coordinate ascent on a concave problem (a generalised EM step): Newton for the
    skill's three parameters with the offsets held, then each item's offset on its own.
    """
    fit_step = data.spec.items and any(d != 0 for d, _, _ in data.levels)
    lg = _logit(clip("guess", p.guess))
    ls = _logit(clip("slip", p.slip))
    k = p.difficulty_step if data.spec.items else 0.0
    offsets = [p.item_offset(item) for item in data.items]
    level_offset = [offsets[j] if j >= 0 else 0.0 for j in data.level_item]
    for _ in range(8):
        g0 = s1 = g2 = 0.0                 # gradient (logit guess, logit slip, step)
        h00 = h02 = h11 = h12 = h22 = 0.0  # Hessian (negative definite)
        for li, (d, floor, _) in enumerate(data.levels):
            b = level_offset[li]
            guess = _sigmoid(lg - k * d - b)
            if guess >= floor:  # a floored level's guess does not depend on the parameters
                n = right_unknown[li] + wrong_unknown[li]
                e, c = right_unknown[li] - n * guess, n * guess * (1.0 - guess)
                g0 += e
                g2 -= d * e
                h00 -= c
                h02 += d * c
                h22 -= d * d * c
            slip = _sigmoid(ls + k * d + b)
            n = wrong_known[li] + right_known[li]
            e, c = wrong_known[li] - n * slip, n * slip * (1.0 - slip)
            s1 += e
            g2 += d * e
            h11 -= c
            h12 -= d * c
            h22 -= d * d * c
        h00 -= 1e-9
        h11 -= 1e-9
        if fit_step:
            g2 -= STEP_PRECISION * (k - DIFFICULTY_LOGIT_STEP)
            h22 -= STEP_PRECISION
            dx = _solve3([[h00, 0.0, h02], [0.0, h11, h12], [h02, h12, h22]], [-g0, -s1, -g2])
        else:
            dx = [-g0 / h00, -s1 / h11, 0.0]
        # Newton steps on a log-likelihood are safe near the optimum; far from it, cap them.
        dx = [max(-2.0, min(2.0, v)) for v in dx]
        lg, ls, k = lg + dx[0], ls + dx[1], k + dx[2]
        if max(abs(v) for v in dx) < 1e-9:
            break
    if offsets:
        offsets = _m_item_offsets(data, lg, ls, k, offsets, right_unknown, wrong_unknown, wrong_known, right_known)
    return _sigmoid(lg), _sigmoid(ls), k, offsets


def _m_item_offsets(data: StepData, lg, ls, k, offsets, right_unknown, wrong_unknown, wrong_known, right_known):
    """Each item's offset: Newton on its own expected answers plus a Gaussian prior at 0.

    The prior's precision is ITEM_PRIOR_RESPONSES times the information one of the skill's
    answers carries about an offset, so "worth k answers" holds whatever the guess and slip.
    """
    levels_of = [[] for _ in offsets]
    information = 0.0
    for li, (d, floor, _) in enumerate(data.levels):
        guess = _sigmoid(lg - k * d)
        slip = _sigmoid(ls + k * d)
        if guess >= floor:
            information += (right_unknown[li] + wrong_unknown[li]) * guess * (1.0 - guess)
        information += (wrong_known[li] + right_known[li]) * slip * (1.0 - slip)
        if data.level_item[li] >= 0:
            levels_of[data.level_item[li]].append(li)
    precision = ITEM_PRIOR_RESPONSES * information / max(data.n, 1)
    out = []
    for b, levels in zip(offsets, levels_of):
        for _ in range(6):
            grad, hess = -precision * b, -precision - 1e-9
            for li in levels:
                d, floor, _ = data.levels[li]
                guess = _sigmoid(lg - k * d - b)
                if guess >= floor:
                    n = right_unknown[li] + wrong_unknown[li]
                    grad -= right_unknown[li] - n * guess
                    hess -= n * guess * (1.0 - guess)
                slip = _sigmoid(ls + k * d + b)
                n = wrong_known[li] + right_known[li]
                grad += wrong_known[li] - n * slip
                hess -= n * slip * (1.0 - slip)
            delta = max(-1.0, min(1.0, -grad / hess))
            b = max(-ITEM_OFFSET_LIMIT, min(ITEM_OFFSET_LIMIT, b + delta))
            if abs(delta) < 1e-9:
                break
        out.append(b)
    return out


def _solve3(a, b):
    """Solve a 3x3 linear system by Cramer's rule (the matrix is negative definite here)."""
    def det(m):
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
    full = det(a)
    if abs(full) < 1e-300:
        return [0.0, 0.0, 0.0]
    out = []
    for col in range(3):
        m = [row[:] for row in a]
        for i in range(3):
            m[i][col] = b[i]
        out.append(det(m) / full)
    return out


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
