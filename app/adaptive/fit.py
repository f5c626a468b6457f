"""Fitting BKT-with-forgetting parameters per skill by EM (Baum-Welch).

Pure Python, made fast by working on a two-state HMM as scalars: the forward pass keeps
only P(known) per step, and the backward pass is the scalar smoothing recursion, so each
response costs a couple of dozen float operations per iteration. Identical answer
sequences are fitted once with a weight. Several short warm-up runs from fixed starting
points pick the basin, then one run converges, with SQUAREM extrapolation to cut the
number of iterations. Everything is deterministic: the same data gives the same fit.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .bkt import BKTParams
from .state import mastery_observations

# Bounds keep the model identifiable: guess or slip above 0.3 lets EM swap "known" and
# "unknown" (a student who "knows" and mostly fails), and a forget above 0.1 per answer
# would describe students who lose a skill within a few items, which practice never shows.
BOUNDS = {
    "prior": (0.01, 0.99),
    "learn": (0.005, 0.6),
    "guess": (0.01, 0.3),
    "slip": (0.01, 0.3),
    "forget": (0.0005, 0.1),
}
MIN_RESPONSES = 200
MIN_STUDENTS = 10

# Starting points for the warm-up runs; the first one is replaced by a data-driven guess.
_STARTS = (
    BKTParams(prior=0.3, learn=0.1, guess=0.15, slip=0.1, forget=0.01),
    BKTParams(prior=0.1, learn=0.3, guess=0.25, slip=0.15, forget=0.03),
    BKTParams(prior=0.6, learn=0.05, guess=0.1, slip=0.05, forget=0.01),
    BKTParams(prior=0.2, learn=0.15, guess=0.2, slip=0.2, forget=0.05),
)
_NAMES = ("prior", "learn", "guess", "slip", "forget")


@dataclass
class SkillFit:
    """The outcome of fitting one skill: parameters and how they were obtained."""
    params: BKTParams
    n_responses: int
    n_students: int
    log_likelihood: float | None = None
    iterations: int = 0
    used_defaults: bool = False

    def as_dict(self) -> dict:
        """A JSON-ready view of the fit."""
        return {"params": self.params.as_dict(), "n_responses": self.n_responses,
                "n_students": self.n_students, "log_likelihood": self.log_likelihood,
                "iterations": self.iterations, "used_defaults": self.used_defaults}


class _Data:
    """Answer sequences of one skill, deduplicated, with the counts EM needs."""

    def __init__(self, sequences: Iterable[list[int]] = (), weighted: list | None = None):
        if weighted is None:
            counts = Counter(tuple(1 if o else 0 for o in seq) for seq in sequences if len(seq))
            # Sorted so that the sums, and therefore the fit, do not depend on input order.
            weighted = [(list(seq), w) for seq, w in sorted(counts.items())]
        self.seqs = weighted
        self.n_seq = sum(w for _, w in weighted)
        self.n = sum(len(s) * w for s, w in weighted)
        self.n1 = sum(sum(s) * w for s, w in weighted)
        self.n_nonlast = self.n - self.n_seq
        self.first_correct = sum(s[0] * w for s, w in weighted)

    def subsample(self, max_responses: int) -> _Data:
        """Every k-th distinct sequence, for cheap runs that only need to get close."""
        if self.n <= max_responses:
            return self
        return _Data(weighted=self.seqs[::-(-self.n // max_responses)])


def _clip(name: str, value: float) -> float:
    lo, hi = BOUNDS[name]
    return lo if value < lo or value != value else hi if value > hi else value


def _clipped(values) -> BKTParams:
    return BKTParams(*(_clip(n, v) for n, v in zip(_NAMES, values)))


def _em_step(data: _Data, p: BKTParams) -> tuple[BKTParams, float]:
    """One EM iteration: expected counts under `p`, then the bounded M-step.

    Returns the new parameters and the log-likelihood of the data under `p`. Clipping is
    the exact bounded M-step because each parameter's expected log-likelihood term is
    concave in that parameter alone.
    """
    prior, learn, guess, slip, forget = p.prior, p.learn, p.guess, p.slip, p.forget
    not_slip, not_guess, keep = 1.0 - slip, 1.0 - guess, 1.0 - forget
    gain = keep - learn  # P(known next) = learn + P(known now) * gain
    log = math.log
    ll = 0.0
    sum_first = s01 = s10 = sg_nonlast = sg_all = sg_wrong = 0.0
    for seq, w in data.seqs:
        # Forward: posts[t] = P(known at t | answers up to t).
        posts = []
        push = posts.append
        a = prior
        lik = 1.0
        for o in seq:
            if o:
                num = a * not_slip
                den = num + (1.0 - a) * guess
            else:
                num = a * slip
                den = num + (1.0 - a) * not_guess
            a = num / den
            push(a)
            a = learn + a * gain
            lik *= den
            if lik < 1e-250:  # fold into the log before a long sequence underflows
                ll += w * log(lik)
                lik = 1.0
        ll += w * log(lik)
        # Backward: g = P(known at t | the whole sequence), the smoothing recursion run
        # from the end; q01/q10 collect expected learn/forget transitions (factors of
        # learn and forget are applied once, after the loop).
        g = g_last = posts.pop()
        q01 = q10 = q_nonlast = 0.0
        q_wrong = 0.0 if seq[-1] else g_last
        posts.reverse()
        for post, o in zip(posts, seq[-2::-1]):
            pred = learn + post * gain
            r1 = g / pred
            u = post * (1.0 - g) / (1.0 - pred)
            q01 += (1.0 - post) * r1
            q10 += u
            g = post * keep * r1 + forget * u
            q_nonlast += g
            if not o:
                q_wrong += g
        sum_first += w * g
        s01 += w * q01
        s10 += w * q10
        sg_nonlast += w * q_nonlast
        sg_all += w * (q_nonlast + g_last)
        sg_wrong += w * q_wrong
    s01 *= learn
    s10 *= forget
    sg_right = sg_all - sg_wrong
    new = (
        sum_first / data.n_seq,
        s01 / max(data.n_nonlast - sg_nonlast, 1e-12),
        (data.n1 - sg_right) / max(data.n - sg_all, 1e-12),
        sg_wrong / max(sg_all, 1e-12),
        s10 / max(sg_nonlast, 1e-12),
    )
    return _clipped(new), ll


def log_likelihood(data_or_sequences, params: BKTParams) -> float:
    """Log-likelihood of answer sequences under the parameters."""
    data = data_or_sequences if isinstance(data_or_sequences, _Data) else _Data(data_or_sequences)
    return _em_step(data, params)[1]


def _vec(p: BKTParams) -> list[float]:
    return [p.prior, p.learn, p.guess, p.slip, p.forget]


def _squarem(data: _Data, p0: BKTParams, max_iter: int, tol: float):
    """Run EM to convergence with SQUAREM extrapolation; returns (params, ll, iterations)."""
    iterations = 0
    p = p0
    ll = -math.inf
    while iterations < max_iter:
        p1, ll = _em_step(data, p)
        p2, ll1 = _em_step(data, p1)
        iterations += 2
        x0, x1, x2 = _vec(p), _vec(p1), _vec(p2)
        r = [b - a for a, b in zip(x0, x1)]
        v = [c - 2 * b + a for a, b, c in zip(x0, x1, x2)]
        rr = math.sqrt(sum(x * x for x in r))
        vv = math.sqrt(sum(x * x for x in v))
        candidate = p2
        if vv > 1e-12 and rr > 1e-12:
            alpha = -max(1.0, rr / vv)
            jump = _clipped([a - 2 * alpha * dr + alpha * alpha * dv
                             for a, dr, dv in zip(x0, r, v)])
            stabilised, ll_jump = _em_step(data, jump)
            iterations += 1
            # Keep the extrapolation only when it does not lose likelihood (monotone EM).
            if ll_jump >= ll1:
                candidate, ll1 = stabilised, ll_jump
        p = candidate
        # A whole cycle (two EM steps and a jump) gaining this little means we are there.
        improved = ll1 - ll
        ll = ll1
        if improved < tol * data.n:
            break
    return p, ll, iterations


def fit_sequences(sequences: Iterable[list[int]], defaults: BKTParams = BKTParams(), *,
                  min_responses: int = MIN_RESPONSES, min_students: int = MIN_STUDENTS,
                  warmup_iters: int = 3, warmup_responses: int = 2000, polish_responses: int = 5000,
                  max_iter: int = 200, tol: float = 1e-6) -> SkillFit:
    """Fit one skill from per-student 0/1 answer sequences (each in time order)."""
    data = _Data(sequences)
    if data.n < min_responses or data.n_seq < min_students:
        return SkillFit(defaults, data.n, data.n_seq, used_defaults=True)
    first_rate = data.first_correct / data.n_seq
    starts = [BKTParams(prior=_clip("prior", (first_rate - 0.15) / 0.75), learn=0.1,
                        guess=0.15, slip=0.1, forget=0.01)] + list(_STARTS[1:])
    best = None
    sample = data.subsample(warmup_responses)
    for start in starts:
        p, ll = start, -math.inf
        for _ in range(warmup_iters):
            p, ll = _em_step(sample, p)
        if best is None or ll > best[1]:
            best = (p, ll)
    params, iterations = best[0], 0
    # Converging on a quarter of a large data set first leaves only a short polish on all
    # of it: the sub-sample's optimum is already within sampling noise of the full one.
    if data.n > 4 * polish_responses:
        params, _, iterations = _squarem(data.subsample(data.n // 4), params, max_iter, tol)
    params, ll, more = _squarem(data, params, max_iter, tol)
    return SkillFit(params, data.n, data.n_seq, ll, iterations + more)


def group_sequences(responses: Iterable[tuple]) -> list[list[int]]:
    """Group (student, correct) pairs, already in time order, into per-student sequences."""
    by_student: dict = defaultdict(list)
    for student, correct in responses:
        by_student[student].append(1 if correct else 0)
    return list(by_student.values())


def fit_skill(responses: Iterable[tuple], defaults: BKTParams = BKTParams(), **options) -> SkillFit:
    """Fit one skill from (student, correct) pairs in time order."""
    return fit_sequences(group_sequences(responses), defaults, **options)


def _fit_job(job):
    sequences, defaults, options = job
    return fit_sequences(sequences, defaults, **options)


def fit_skills(rows: Iterable[tuple], defaults: BKTParams = BKTParams(), *, workers: int = 1,
               **options) -> dict[str, SkillFit]:
    """Fit every skill from (student, skill, correct) rows in time order.

    Skills are independent, so `workers` > 1 fits them in that many processes; the result
    is the same as with one.
    """
    by_skill: dict = defaultdict(lambda: defaultdict(list))
    for student, skill, correct in rows:
        by_skill[skill][student].append(1 if correct else 0)
    skills = sorted(by_skill)
    jobs = [(list(by_skill[s].values()), defaults, options) for s in skills]
    # Starting processes costs about a tenth of a second: only worth it for big fits.
    if workers > 1 and len(jobs) > 1 and sum(len(s) for j in jobs for s in j[0]) >= 20000:
        from concurrent.futures import ProcessPoolExecutor
        # Largest skills first so one long fit does not start last and run alone.
        order = sorted(range(len(jobs)), key=lambda i: -sum(map(len, jobs[i][0])))
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            fitted = dict(zip(order, pool.map(_fit_job, [jobs[i] for i in order])))
        return {skills[i]: fitted[i] for i in range(len(jobs))}
    return {skill: _fit_job(job) for skill, job in zip(skills, jobs)}


def default_workers() -> int:
    """How many processes a batch fit should use: the machine's usable cores."""
    import os
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def fit_from_events(logs: Iterable, catalog: dict, defaults: BKTParams = BKTParams(), *,
                    workers: int = 1, **options) -> dict[str, SkillFit]:
    """Fit every skill from students' event logs (one ordered log per student).

    Answers are credited exactly as `state.replay` credits them (first attempt at a
    showing, no hints), so the fitted parameters describe what replay will see.
    """
    rows = []
    for student, events in enumerate(logs):
        for skill, _item, credited, _event in mastery_observations(events, catalog):
            rows.append((student, skill, credited))
    return fit_skills(rows, defaults, workers=workers, **options)
