"""Fitting the learning model per skill by EM (Baum-Welch), the same model replay runs.

Each answer is a step (correct, difficulty, choices, recall): the item's difficulty and
number of choices set its guess and slip as `bkt.item_guess_slip` does, and `recall` is
the review curve's survival since the skill was last practised (`bkt.known_at`), so time
forgetting sits in the E-step exactly where prediction puts it. The M-step is closed form
for prior and learn; guess, slip and the skill's difficulty step are a small concave
problem over the few (difficulty, choices) levels, solved by Newton's method, with the
step shrunk towards its default so that thin skills keep it.

Pure Python, made fast by working on a two-state HMM as scalars: the forward pass keeps
only P(known) per step, and the backward pass is the scalar smoothing recursion. Identical
step sequences are fitted once with a weight. Several short warm-up runs from fixed
starting points pick the basin, then one run converges, with SQUAREM extrapolation to cut
the number of iterations. Everything is deterministic: the same data gives the same fit.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .bkt import DIFFICULTY_LOGIT_STEP, NEUTRAL_DIFFICULTY, BKTParams, item_choices
from .review import ReviewMemory, recall_probability, update_review
from .state import mastery_observations

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
MIN_RESPONSES = 200
MIN_STUDENTS = 10
# Shrinkage of the difficulty step towards its default, as a Gaussian prior's precision:
# worth about as much as a few dozen answers spread over the difficulty levels.
STEP_PRECISION = 20.0
_TINY = 1e-300


@dataclass(frozen=True)
class ModelSpec:
    """Which parts of the model a fit (and a kt-eval prediction) uses."""
    name: str
    items: bool        # item difficulty and the 1/choices guess floor
    time: bool         # forgetting over elapsed time along the review curve
    fit_forget: bool   # per-answer forget fitted (plain BKT); otherwise held at 0


RUNNING = ModelSpec("abhyas", items=True, time=True, fit_forget=False)
PLAIN_BKT = ModelSpec("bkt", items=False, time=False, fit_forget=True)
MODELS = {m.name: m for m in (RUNNING, PLAIN_BKT)}

# Starting points for the warm-up runs; the first one is replaced by a data-driven guess.
_STARTS = (
    BKTParams(prior=0.3, learn=0.1, guess=0.15, slip=0.1, forget=0.01),
    BKTParams(prior=0.1, learn=0.3, guess=0.25, slip=0.15, forget=0.03),
    BKTParams(prior=0.6, learn=0.05, guess=0.1, slip=0.05, forget=0.01),
    BKTParams(prior=0.2, learn=0.15, guess=0.2, slip=0.2, forget=0.05),
)
_NAMES = ("prior", "learn", "guess", "slip", "forget", "difficulty_step")


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


def _level_key(difficulty, choices) -> tuple[float, float]:
    return (min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY,
            1.0 / choices if choices and choices >= 2 else 0.0)


class _Data:
    """Step sequences of one skill, deduplicated, with the counts EM needs.

    A sequence is a student's answers in order: each a bare 0/1 (a neutral item, no time)
    or a (correct, difficulty, choices, recall) step.
    """

    def __init__(self, sequences: Iterable = (), spec: ModelSpec = RUNNING, *,
                 weighted: list | None = None, levels: list | None = None):
        self.spec = spec
        if weighted is None:
            raw = []
            for seq in sequences:
                steps = []
                for x in seq:
                    o, d, c, r = x if isinstance(x, (tuple, list)) else (x, NEUTRAL_DIFFICULTY, 0, 1.0)
                    if not spec.items:
                        d, c = NEUTRAL_DIFFICULTY, 0
                    steps.append((1 if o else 0, _level_key(d, c), float(r) if spec.time else 1.0))
                if steps:
                    raw.append(steps)
            levels = sorted({key for steps in raw for _, key, _ in steps}) or [(0.0, 0.0)]
            index = {key: i for i, key in enumerate(levels)}
            counts = Counter(tuple((o, index[key], r) for o, key, r in steps) for steps in raw)
            # Sorted so that the sums, and therefore the fit, do not depend on input order.
            weighted = [(list(seq), w) for seq, w in sorted(counts.items())]
        self.levels = levels
        self.seqs = weighted
        self.n_seq = sum(w for _, w in weighted)
        self.n = sum(len(s) * w for s, w in weighted)
        self.n1 = sum(sum(o for o, _, _ in s) * w for s, w in weighted)
        self.n_nonlast = self.n - self.n_seq
        self.first_correct = sum(s[0][0] * w for s, w in weighted)

    def subsample(self, max_responses: int) -> _Data:
        """Every k-th distinct sequence, for cheap runs that only need to get close."""
        if self.n <= max_responses:
            return self
        return _Data(spec=self.spec, weighted=self.seqs[::-(-self.n // max_responses)], levels=self.levels)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _clip(name: str, value: float) -> float:
    lo, hi = BOUNDS[name]
    return lo if value < lo or value != value else hi if value > hi else value


def _clipped(values, spec: ModelSpec) -> BKTParams:
    p = dict(zip(_NAMES, (_clip(n, v) for n, v in zip(_NAMES, values))))
    if not spec.fit_forget:
        p["forget"] = 0.0
    if not spec.items:
        p["difficulty_step"] = 0.0
    return BKTParams(**p)


def _level_guess_slip(p: BKTParams, level: tuple[float, float]) -> tuple[float, float]:
    """`bkt.item_guess_slip` for a (difficulty offset, guess floor) level."""
    d, floor = level
    guess, slip = p.guess, p.slip
    if d != 0 and p.difficulty_step != 0:
        shift = p.difficulty_step * d
        guess, slip = _sigmoid(_logit(guess) - shift), _sigmoid(_logit(slip) + shift)
    return max(guess, floor), slip


def _em_step(data: _Data, p: BKTParams) -> tuple[BKTParams, float]:
    """One EM iteration: expected counts under `p`, then the bounded M-step.

    Returns the new parameters and the log-likelihood of the data under `p`.
    """
    prior, learn, forget = p.prior, p.learn, p.forget
    keep = 1.0 - forget
    gain = keep - learn  # P(known after learning) = learn + P(known now) * gain
    levels = data.levels
    gs = [_level_guess_slip(p, level) for level in levels]
    guesses = [g for g, _ in gs]
    slips = [s for _, s in gs]
    # Per level: expected right/wrong answers while unknown (guess) and while known (slip).
    right_unknown = [0.0] * len(levels)
    wrong_unknown = [0.0] * len(levels)
    wrong_known = [0.0] * len(levels)
    right_known = [0.0] * len(levels)
    log = math.log
    ll = 0.0
    sum_first = s01 = s10 = sg_nonlast = 0.0
    for seq, w in data.seqs:
        # Forward: posts[t] = P(known at t | answers up to t); learned[t] = after learning at t.
        posts = []
        learned = []
        a = prior
        lik = 1.0
        m = prior
        for t, (o, li, r) in enumerate(seq):
            if t:
                a = m * r
            g, s = guesses[li], slips[li]
            if o:
                num = a * (1.0 - s)
                den = num + (1.0 - a) * g
            else:
                num = a * s
                den = num + (1.0 - a) * (1.0 - g)
            a = num / den
            posts.append(a)
            m = learn + a * gain
            learned.append(m)
            lik *= den
            if lik < 1e-250:  # fold into the log before a long sequence underflows
                ll += w * log(lik)
                lik = 1.0
        ll += w * log(lik)
        # Backward: gam = P(known at t | the whole sequence). Between answers the state
        # passes through "after learning" (h) and then the review curve's survival r.
        last = len(seq) - 1
        gam = posts[last]
        o, li, _ = seq[last]
        if o:
            right_unknown[li] += w * (1.0 - gam)
            right_known[li] += w * gam
        else:
            wrong_unknown[li] += w * (1.0 - gam)
            wrong_known[li] += w * gam
        q01 = q10 = q_nonlast = 0.0
        for t in range(last - 1, -1, -1):
            post, m = posts[t], learned[t]
            r = seq[t + 1][2]
            h = gam if r >= 1.0 else gam + (1.0 - gam) * m * (1.0 - r) / max(1.0 - m * r, _TINY)
            r1 = h / m
            u = post * (1.0 - h) / (1.0 - m) if 1.0 - m > 1e-12 else 0.0
            q01 += (1.0 - post) * r1
            q10 += u
            gam = post * keep * r1 + forget * u
            q_nonlast += gam
            o, li, _ = seq[t]
            if o:
                right_unknown[li] += w * (1.0 - gam)
                right_known[li] += w * gam
            else:
                wrong_unknown[li] += w * (1.0 - gam)
                wrong_known[li] += w * gam
        sum_first += w * gam
        s01 += w * q01
        s10 += w * q10
        sg_nonlast += w * q_nonlast
    s01 *= learn
    s10 *= forget
    guess, slip, step = _m_guess_slip(p, data, right_unknown, wrong_unknown, wrong_known, right_known)
    new = (sum_first / data.n_seq, s01 / max(data.n_nonlast - sg_nonlast, 1e-12), guess, slip,
           s10 / max(sg_nonlast, 1e-12), step)
    return _clipped(new, data.spec), ll


def _m_guess_slip(p: BKTParams, data: _Data, right_unknown, wrong_unknown, wrong_known, right_known):
    """Guess, slip and difficulty step maximising the expected log-likelihood (Newton, concave)."""
    fit_step = data.spec.items and any(d != 0 for d, _ in data.levels)
    lg = _logit(_clip("guess", p.guess))
    ls = _logit(_clip("slip", p.slip))
    k = p.difficulty_step if data.spec.items else 0.0
    for _ in range(8):
        g0 = s1 = g2 = 0.0                 # gradient (logit guess, logit slip, step)
        h00 = h02 = h11 = h12 = h22 = 0.0  # Hessian (negative definite)
        for li, (d, floor) in enumerate(data.levels):
            guess = _sigmoid(lg - k * d)
            if guess >= floor:  # a floored level's guess does not depend on the parameters
                n = right_unknown[li] + wrong_unknown[li]
                e, c = right_unknown[li] - n * guess, n * guess * (1.0 - guess)
                g0 += e
                g2 -= d * e
                h00 -= c
                h02 += d * c
                h22 -= d * d * c
            slip = _sigmoid(ls + k * d)
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
    return _sigmoid(lg), _sigmoid(ls), k


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


def log_likelihood(data_or_sequences, params: BKTParams, spec: ModelSpec = RUNNING) -> float:
    """Log-likelihood of step sequences under the parameters."""
    data = data_or_sequences if isinstance(data_or_sequences, _Data) else _Data(data_or_sequences, spec)
    return _em_step(data, params)[1]


def _vec(p: BKTParams) -> list[float]:
    return [getattr(p, n) for n in _NAMES]


def _squarem(data: _Data, p0: BKTParams, max_iter: int, tol: float):
    """Run EM to convergence with SQUAREM extrapolation; returns (params, iterations)."""
    iterations = 0
    p = p0
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
            jump = _clipped([a - 2 * alpha * dr + alpha * alpha * dv for a, dr, dv in zip(x0, r, v)], data.spec)
            stabilised, ll_jump = _em_step(data, jump)
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
                  max_iter: int = 200, tol: float = 1e-6) -> SkillFit:
    """Fit one skill from per-student answer sequences (each in time order; see `_Data`)."""
    data = _Data(sequences, spec)
    if data.n < min_responses or data.n_seq < min_students:
        return SkillFit(defaults, data.n, data.n_seq, used_defaults=True)
    first_rate = data.first_correct / data.n_seq
    step = DIFFICULTY_LOGIT_STEP
    starts = [BKTParams(prior=_clip("prior", (first_rate - 0.15) / 0.75), learn=0.1, guess=0.15, slip=0.1,
                        forget=0.01, difficulty_step=step)]
    starts += [BKTParams(s.prior, s.learn, s.guess, s.slip, s.forget, step) for s in _STARTS[1:]]
    starts = [_clipped(_vec(s), spec) for s in starts]
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
        params, iterations = _squarem(data.subsample(data.n // 4), params, max_iter, tol)
    params, more = _squarem(data, params, max_iter, tol)
    return SkillFit(params, data.n, data.n_seq, log_likelihood(data, params), iterations + more)


def skill_sequences(rows: Iterable[tuple]) -> dict[str, list[list[tuple]]]:
    """Group rows in time order into per-skill lists of per-student step sequences.

    A row is (student, skill, correct) or (student, skill, correct, difficulty, choices, ts);
    `ts` (epoch seconds, or None) gives each step its recall along the review curve, kept
    per student and skill exactly as replay keeps it.
    """
    by_skill: dict = defaultdict(lambda: defaultdict(list))
    memory: dict = {}
    for row in rows:
        student, skill, correct = row[0], row[1], 1 if row[2] else 0
        difficulty, choices, ts = row[3:6] if len(row) >= 6 else (NEUTRAL_DIFFICULTY, 0, None)
        recall = 1.0
        if ts is not None:
            key = (student, skill)
            mem = memory.get(key) or ReviewMemory()
            recall = recall_probability(mem, ts)
            memory[key] = update_review(mem, bool(correct), ts)
        by_skill[skill][student].append((correct, difficulty, choices, recall))
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
    """(student, skill, credited, difficulty, choices, ts) for every answer replay counts, in log order."""
    rows = []
    for student, events in enumerate(logs):
        for skill, item_id, credited, event in mastery_observations(events, catalog):
            item = catalog["items"][item_id]
            rows.append((student, skill, credited, item.get("difficulty", NEUTRAL_DIFFICULTY), item_choices(item),
                         float(event.get("ts") or 0.0)))
    return rows


def fit_from_events(logs: Iterable, catalog: dict, defaults: BKTParams = BKTParams(), *,
                    workers: int = 1, **options) -> dict[str, SkillFit]:
    """Fit every skill from students' event logs (one ordered log per student).

    Answers are credited exactly as `state.replay` credits them (first attempt at a
    showing, no hints), with the item's difficulty and choices and the time between them,
    so the fitted parameters describe the model replay runs.
    """
    return fit_skills(observation_rows(logs, catalog), defaults, workers=workers, **options)
