"""Fitting the learning model per skill by EM (Baum-Welch): the same model replay runs.

The iteration itself is in `em.py`. Identical step sequences are fitted once with a
weight. Several short warm-up runs from fixed starting points pick the basin, then one run
converges, with SQUAREM extrapolation to cut the number of iterations. Everything is
deterministic: the same data gives the same fit.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .bkt import DIFFICULTY_LOGIT_STEP, NEUTRAL_DIFFICULTY, BKTParams, item_choices
from .em import BOUNDS, MODELS, PER_SKILL, PLAIN_BKT, RUNNING, ModelSpec, StepData, as_vector, clip, clipped, em_step, log_likelihood  # noqa: F401, E501 - fit's names too
from .review import INITIAL_STABILITY_DAYS, recall_between, stability_after
from .state import mastery_observations

MIN_RESPONSES = 200
MIN_STUDENTS = 10
# Item offsets are stored and sent to phones to this many decimals of log-odds (a tenth
# moves a 20% guess by under two points); offsets that round to 0 are left out, so the
# sync reply carries only the items the data singled out.
ITEM_OFFSET_DECIMALS = 1

# Starting points for the warm-up runs; the first one is replaced by a data-driven guess.
_STARTS = (
    BKTParams(prior=0.3, learn=0.1, guess=0.15, slip=0.1, forget=0.01),
    BKTParams(prior=0.1, learn=0.3, guess=0.25, slip=0.15, forget=0.03),
    BKTParams(prior=0.6, learn=0.05, guess=0.1, slip=0.05, forget=0.01),
    BKTParams(prior=0.2, learn=0.15, guess=0.2, slip=0.2, forget=0.05),
)


@dataclass
class SkillFit:
    """The outcome of fitting one skill: parameters and how they were obtained."""
    params: BKTParams
    n_responses: int
    n_students: int
    log_likelihood: float | None = None   # of the returned parameters
    iterations: int = 0
    used_defaults: bool = False

    def as_dict(self) -> dict:
        """A JSON-ready view of the fit."""
        return {"params": self.params.as_dict(), "n_responses": self.n_responses,
                "n_students": self.n_students, "log_likelihood": self.log_likelihood,
                "iterations": self.iterations, "used_defaults": self.used_defaults}

def rounded_offsets(params: BKTParams, decimals: int = ITEM_OFFSET_DECIMALS) -> BKTParams:
    """The parameters with item offsets rounded as stored (those rounding to 0 dropped)."""
    kept = tuple((item, round(b, decimals)) for item, b in params.item_offsets if round(b, decimals) != 0)
    return replace(params, item_offsets=kept)


def _squarem(data: StepData, p0: BKTParams, max_iter: int, tol: float):
    """Run EM to convergence with SQUAREM extrapolation; returns (params, iterations)."""
    iterations = 0
    p = p0
    while iterations < max_iter:
        p1, ll = em_step(data, p)
        p2, ll1 = em_step(data, p1)
        iterations += 2
        x0, x1, x2 = (as_vector(q, data.items) for q in (p, p1, p2))
        r = [b - a for a, b in zip(x0, x1)]
        v = [c - 2 * b + a for a, b, c in zip(x0, x1, x2)]
        rr = math.sqrt(sum(x * x for x in r))
        vv = math.sqrt(sum(x * x for x in v))
        candidate = p2
        if vv > 1e-12 and rr > 1e-12:
            alpha = -max(1.0, rr / vv)
            jump = clipped([a - 2 * alpha * dr + alpha * alpha * dv for a, dr, dv in zip(x0, r, v)], data.spec, data.items)
            stabilised, ll_jump = em_step(data, jump)
            iterations += 1
            # Keep the extrapolation only when it does not lose likelihood (monotone EM).
            if ll_jump >= ll1:
                candidate, ll1 = stabilised, ll_jump
        p = candidate
        # A whole cycle (two EM steps and a jump) gaining this little means we are there.
        if ll1 - ll < tol * data.n:
            break
    return p, iterations


def fit_sequences(sequences: Iterable, defaults: BKTParams = BKTParams(), *, spec: ModelSpec = RUNNING,
                  min_responses: int = MIN_RESPONSES, min_students: int = MIN_STUDENTS,
                  warmup_iters: int = 3, warmup_responses: int = 2000, polish_responses: int = 5000,
                  max_iter: int = 200, tol: float = 1e-4) -> SkillFit:
    """Fit one skill from per-student answer sequences (each in time order; see `StepData`).

    `tol` is the log-likelihood gain per answer below which a SQUAREM cycle ends the fit.
    With an offset per item EM creeps: on skills of 300 items each, 1e-5 took five times
    the iterations of 1e-4 for a log-likelihood 0.6 higher over 100,000 answers and the
    same held-out AUC to 0.0001 (and the bench's data sets moved by less).
    """
    data = StepData(sequences, spec)
    if data.n < min_responses or data.n_seq < min_students:
        return SkillFit(defaults, data.n, data.n_seq, used_defaults=True)
    first_rate = data.first_correct / data.n_seq
    step = DIFFICULTY_LOGIT_STEP
    starts = [BKTParams(prior=clip("prior", (first_rate - 0.15) / 0.75), learn=0.1, guess=0.15, slip=0.1,
                        forget=0.01, difficulty_step=step)]
    starts += [BKTParams(s.prior, s.learn, s.guess, s.slip, s.forget, step) for s in _STARTS[1:]]
    starts = [clipped(as_vector(s), spec) for s in starts]
    best = None
    sample = data.subsample(warmup_responses)
    for start in starts:
        p, ll = start, -math.inf
        for _ in range(warmup_iters):
            p, ll = em_step(sample, p)
        if best is None or ll > best[1]:
            best = (p, ll)
    params, iterations = best[0], 0
    # Converging on a quarter of a large data set first leaves only a short polish on all
    # of it: the sub-sample's optimum is already within sampling noise of the full one.
    if data.n > 4 * polish_responses:
        params, iterations = _squarem(data.subsample(data.n // 4), params, max_iter, tol)
    params, more = _squarem(data, params, max_iter, tol)
    params = rounded_offsets(params)
    return SkillFit(params, data.n, data.n_seq, log_likelihood(data, params), iterations + more)


def skill_sequences(rows: Iterable[tuple]) -> dict[str, list[list[tuple]]]:
    """Group rows in time order into per-skill lists of per-student step sequences.

    A row is (student, skill, correct) or (student, skill, correct, difficulty, choices, ts[, item]);
    `ts` (epoch seconds, or None) gives each step its recall along the review curve, kept
    per student and skill exactly as replay keeps it; `item` (an id) lets the fit learn
    the item's own offset.
    """
    by_skill: dict = defaultdict(lambda: defaultdict(list))
    # (stability, last practice) per student and skill: the review curve's state, kept as
    # plain pairs because this runs once per answer of the whole fit.
    memory: dict = {}
    for row in rows:
        student, skill, correct = row[0], row[1], 1 if row[2] else 0
        difficulty, choices, ts = row[3:6] if len(row) >= 6 else (NEUTRAL_DIFFICULTY, 0, None)
        item = row[6] if len(row) >= 7 and row[6] is not None else ""
        recall = 1.0
        if ts is not None:
            key = (student, skill)
            stability, last = memory.get(key) or (INITIAL_STABILITY_DAYS, None)
            recall = recall_between(stability, last, ts)
            memory[key] = (stability_after(stability, None if last is None else recall, bool(correct)), ts)
        by_skill[skill][student].append((correct, difficulty, choices, recall, item))
    return {skill: list(students.values()) for skill, students in by_skill.items()}


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
    """Fit every skill from rows in time order (see `skill_sequences`).

    Skills are independent, so `workers` > 1 fits them in that many processes; the result
    is the same as with one.
    """
    by_skill = skill_sequences(rows)
    skills = sorted(by_skill)
    jobs = [(by_skill[s], defaults, options) for s in skills]
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


def observation_rows(logs: Iterable, catalog: dict) -> list[tuple]:
    """(student, skill, credited, difficulty, choices, ts, item) for every answer replay counts, in log order."""
    rows = []
    for student, events in enumerate(logs):
        for skill, item_id, credited, event in mastery_observations(events, catalog):
            item = catalog["items"][item_id]
            rows.append((student, skill, credited, item.get("difficulty", NEUTRAL_DIFFICULTY), item_choices(item),
                         float(event.get("ts") or 0.0), item_id))
    return rows


def fit_from_events(logs: Iterable, catalog: dict, defaults: BKTParams = BKTParams(), *,
                    workers: int = 1, **options) -> dict[str, SkillFit]:
    """Fit every skill from students' event logs (one ordered log per student).

    Answers are credited exactly as `state.replay` credits them (first attempt at a
    showing, no hints), with the item's difficulty and choices and the time between them,
    so the fitted parameters describe the model replay runs.
    """
    return fit_skills(observation_rows(logs, catalog), defaults, workers=workers, **options)
