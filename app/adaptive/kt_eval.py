"""Knowledge-tracing evaluation: fit on one CSV, predict next answers in another.

CSV columns: order_id,user_id,skill_name,correct. Each test response is predicted from
that student's earlier test responses on the same skill only, then the model updates.
"""
from __future__ import annotations

import csv
import math
import time
from collections import defaultdict

from .bkt import BKTParams, predict_correct, update_mastery
from .fit import fit_skills

MODEL_NAME = "abhyas-bkt-forget"


def read_responses(path) -> list[tuple[str, str, int]]:
    """Read (user_id, skill_name, correct) rows from a kt-eval CSV, sorted by order_id."""
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"order_id", "user_id", "skill_name", "correct"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                order = float(row["order_id"])
                correct = int(float(row["correct"]))
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{line}: order_id and correct must be numbers") from None
            if correct not in (0, 1):
                raise ValueError(f"{path}:{line}: correct must be 0 or 1")
            rows.append((order, line, row["user_id"], row["skill_name"], correct))
    rows.sort()  # order_id first; the file line keeps equal order_ids stable
    return [(user, skill, correct) for _, _, user, skill, correct in rows]


def auc(labels: list[int], scores: list[float]) -> float | None:
    """Exact ROC AUC (Mann-Whitney), tied scores counted as half; None if one class is absent."""
    n = len(labels)
    n_pos = sum(1 for y in labels if y)
    n_neg = n - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = sorted(range(n), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        average_rank = (i + j) / 2.0 + 1.0  # ranks are 1-based; ties share the mean rank
        rank_sum += average_rank * sum(1 for k in range(i, j + 1) if labels[order[k]])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def rmse(labels: list[int], scores: list[float]) -> float:
    """Root mean squared error of probabilities against 0/1 outcomes."""
    return math.sqrt(sum((y - p) ** 2 for y, p in zip(labels, scores)) / max(1, len(labels)))


def predict_next(rows, params_by_skill: dict, defaults: BKTParams = BKTParams()) -> list[float]:
    """P(correct) for each (user, skill, correct) row from that user's earlier rows on the skill."""
    p_known: dict = {}
    out = []
    for user, skill, correct in rows:
        params = params_by_skill.get(skill, defaults)
        key = (user, skill)
        p = p_known.get(key, params.prior)
        out.append(predict_correct(p, params))
        p_known[key] = update_mastery(p, correct, params)
    return out


def evaluate_rows(train_rows, test_rows, workers: int = 1) -> dict:
    """Fit on train rows, predict test rows; returns the kt-eval figures.

    `workers` > 1 fits skills in parallel processes: faster on an idle multi-core machine,
    slower on a busy one, so one process is the default.
    """
    started = time.perf_counter()
    fits = fit_skills(train_rows, workers=workers)
    fit_seconds = time.perf_counter() - started
    params = {skill: fit.params for skill, fit in fits.items()}
    started = time.perf_counter()
    predictions = predict_next(test_rows, params)
    predict_seconds = time.perf_counter() - started
    labels = [c for _, _, c in test_rows]
    return {"model": MODEL_NAME, "auc": auc(labels, predictions), "rmse": rmse(labels, predictions),
            "n_test": len(test_rows), "fit_seconds": round(fit_seconds, 4),
            "predict_seconds": round(predict_seconds, 4)}


def evaluate_csv(train_path, test_path, workers: int = 1) -> dict:
    """Fit on the train CSV and score next-answer predictions on the test CSV."""
    return evaluate_rows(read_responses(train_path), read_responses(test_path), workers)


def base_rate_auc(train_rows, test_rows) -> float | None:
    """AUC of predicting each test answer by its skill's correct rate in train (a baseline)."""
    right: dict = defaultdict(int)
    total: dict = defaultdict(int)
    for _, skill, correct in train_rows:
        right[skill] += correct
        total[skill] += 1
    overall = sum(right.values()) / max(1, sum(total.values()))
    scores = [right[s] / total[s] if total[s] else overall for _, s, _ in test_rows]
    return auc([c for _, _, c in test_rows], scores)
