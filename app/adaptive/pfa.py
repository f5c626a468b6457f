"""Performance factors analysis (PFA), a logistic rival to BKT, for `kt-eval --model pfa` only.

P(right) = sigmoid(w . x) per skill, with x = (1, ln(1 + earlier right answers), ln(1 +
earlier wrong answers), difficulty - 3, the item's 1/choices, ln(1 + days since the skill was
last practised)): the features the running model sees, in the logistic family (PFA with
item and time terms, as in Pavlik et al. 2009 and the "best-LR" line). Fitted per skill by
Newton's method with a small ridge. It is here to be compared, not run: the phone and
replay use BKT (`bkt.py`).
"""
from __future__ import annotations

import math
from collections import defaultdict

from .bkt import NEUTRAL_DIFFICULTY
from .review import DAY

RIDGE = 1.0
FEATURES = 6


def _features(right: int, wrong: int, difficulty, choices, gap_days: float) -> list[float]:
    return [1.0, math.log1p(right), math.log1p(wrong),
            min(5.0, max(1.0, float(difficulty))) - NEUTRAL_DIFFICULTY,
            1.0 / choices if choices and choices >= 2 else 0.0, math.log1p(gap_days)]


def feature_rows(rows):
    """(skill, features, correct) for each row, from that student's earlier rows on the skill."""
    history: dict = {}
    out = []
    for row in rows:
        student, skill, correct = row[0], row[1], 1 if row[2] else 0
        difficulty, choices, ts = row[3:6] if len(row) >= 6 else (NEUTRAL_DIFFICULTY, 0, None)
        right, wrong, last = history.get((student, skill), (0, 0, None))
        gap = (ts - last) / DAY if ts is not None and last is not None else 0.0
        out.append((skill, _features(right, wrong, difficulty, choices, max(0.0, gap)), correct))
        history[(student, skill)] = (right + correct, wrong + 1 - correct, ts if ts is not None else last)
    return out


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the ridge keeps the matrix regular)."""
    n = len(b)
    m = [row[:] + [v] for row, v in zip(a, b)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit_logistic(samples: list[tuple[list[float], int]], iterations: int = 12) -> list[float]:
    """Ridge logistic regression weights by Newton's method."""
    w = [0.0] * FEATURES
    for _ in range(iterations):
        grad = [-RIDGE * v for v in w]
        hess = [[-RIDGE if i == j else 0.0 for j in range(FEATURES)] for i in range(FEATURES)]
        for x, y in samples:
            z = sum(a * b for a, b in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            e, c = y - p, p * (1.0 - p)
            for i in range(FEATURES):
                grad[i] += e * x[i]
                ci = c * x[i]
                row = hess[i]
                for j in range(i + 1):
                    row[j] -= ci * x[j]
        for i in range(FEATURES):
            for j in range(i):
                hess[j][i] = hess[i][j]
        step = _solve(hess, [-g for g in grad])
        w = [a + b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return w


def fit(rows) -> dict:
    """Weights per skill from rows in time order (as `fit.skill_sequences` takes them)."""
    by_skill: dict = defaultdict(list)
    for skill, x, y in feature_rows(rows):
        by_skill[skill].append((x, y))
    return {skill: fit_logistic(samples) for skill, samples in sorted(by_skill.items())}


def predict(rows, weights: dict) -> list[float]:
    """P(right) for each row from that student's earlier rows on the skill."""
    out = []
    for skill, x, _ in feature_rows(rows):
        w = weights.get(skill)
        z = sum(a * b for a, b in zip(w, x)) if w else 0.0
        out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
    return out
