"""Knowledge-tracing evaluation: fit on one CSV, predict next answers in another.

CSV columns: order_id,user_id,skill_name,correct, and optionally difficulty (1..5),
choices (how many options a choice item offers; 0 or empty for typed answers),
timestamp (epoch seconds) and item_id (or problem_id, as ASSISTments names it: the fit
learns each item's own difficulty). Each test response is predicted from that student's earlier
test responses on the same skill only, then the model updates, through `bkt.observe`:
the very step replay and the phone run.
"""
from __future__ import annotations

import csv
import math
import time
from collections import defaultdict

from .bkt import NEUTRAL_DIFFICULTY, BKTParams, observe
from .fit import MODELS, RUNNING, ModelSpec, fit_skills
from .review import ReviewMemory

MODEL_NAME = RUNNING.name


def _optional_number(row: dict, name: str, path, line: int, default):
    value = (row.get(name) or "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{path}:{line}: {name} must be a number") from None


def read_responses(path) -> list[tuple]:
    """Read (user_id, skill_name, correct, difficulty, choices, timestamp, item) rows from a kt-eval CSV, by order_id.

    Missing optional columns read as a neutral item (difficulty 3, no choices, no id) without a time.
    """
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"order_id", "user_id", "skill_name", "correct"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        item_column = next((c for c in ("item_id", "problem_id") if c in (reader.fieldnames or [])), None)
        for line, row in enumerate(reader, start=2):
            try:
                order = float(row["order_id"])
                correct = int(float(row["correct"]))
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{line}: order_id and correct must be numbers") from None
            if correct not in (0, 1):
                raise ValueError(f"{path}:{line}: correct must be 0 or 1")
            difficulty = _optional_number(row, "difficulty", path, line, NEUTRAL_DIFFICULTY)
            choices = int(_optional_number(row, "choices", path, line, 0))
            ts = _optional_number(row, "timestamp", path, line, None)
            item = (row[item_column] or "").strip() if item_column else ""
            rows.append((order, line, row["user_id"], row["skill_name"], correct, difficulty, choices, ts, item))
    rows.sort(key=lambda r: (r[0], r[1]))  # order_id first; the file line keeps equal order_ids stable
    return [r[2:] for r in rows]


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


def predict_next(rows, params_by_skill: dict, defaults: BKTParams = BKTParams(),
                 spec: ModelSpec = RUNNING) -> list[float]:
    """P(correct) for each row from that user's earlier rows on the skill (rows as `fit.skill_sequences` takes)."""
    state: dict = {}
    out = []
    for row in rows:
        user, skill, correct = row[0], row[1], row[2]
        difficulty, choices, ts = row[3:6] if len(row) >= 6 else (NEUTRAL_DIFFICULTY, 0, None)
        item = row[6] if len(row) >= 7 and row[6] is not None else ""
        if not spec.items:
            difficulty, choices = NEUTRAL_DIFFICULTY, 0
        if not spec.time:
            ts = None
        params = params_by_skill.get(skill, defaults)
        key = (user, skill)
        p, memory = state.get(key) or (params.prior, ReviewMemory())
        offset = params.item_offset(str(item)) if spec.item_offsets and item != "" else 0.0
        seen = observe(p, memory, bool(correct), params, difficulty, choices, ts, offset)
        out.append(seen.predicted)
        state[key] = (seen.p_next, seen.memory)
    return out


def evaluate_rows(train_rows, test_rows, workers: int = 1, model: str = MODEL_NAME) -> dict:
    """Fit on train rows, predict test rows with the named model; returns the kt-eval figures.

    `workers` > 1 fits skills in parallel processes: faster on an idle multi-core machine,
    slower on a busy one, so one process is the default.
    """
    if model == "pfa":
        from . import pfa
        started, cpu = time.perf_counter(), time.process_time()
        weights = pfa.fit(train_rows)
        fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        predictions = pfa.predict(test_rows, weights)
        predict_seconds = time.perf_counter() - started
        return _figures("pfa", test_rows, predictions, fit_seconds, predict_seconds, fit_cpu)
    spec = MODELS.get(model)
    if spec is None:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(sorted([*MODELS, 'pfa']))}")
    started, cpu = time.perf_counter(), time.process_time()
    fits = fit_skills(train_rows, workers=workers, spec=spec)
    fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    params = {skill: fit.params for skill, fit in fits.items()}
    started = time.perf_counter()
    predictions = predict_next(test_rows, params, spec=spec)
    predict_seconds = time.perf_counter() - started
    return _figures(spec.name, test_rows, predictions, fit_seconds, predict_seconds, fit_cpu)


def _figures(name: str, test_rows, predictions, fit_seconds: float, predict_seconds: float,
             fit_cpu_seconds: float | None = None) -> dict:
    labels = [row[2] for row in test_rows]
    # CPU seconds alongside wall seconds: on a shared machine the wall clock measures the neighbours too.
    return {"model": name, "auc": auc(labels, predictions), "rmse": rmse(labels, predictions),
            "n_test": len(test_rows), "fit_seconds": round(fit_seconds, 4),
            "fit_cpu_seconds": None if fit_cpu_seconds is None else round(fit_cpu_seconds, 4),
            "predict_seconds": round(predict_seconds, 4)}


def evaluate_csv(train_path, test_path, workers: int = 1, model: str = MODEL_NAME) -> dict:
    """Fit on the train CSV and score next-answer predictions on the test CSV with the named model."""
    return evaluate_rows(read_responses(train_path), read_responses(test_path), workers, model)


def base_rate_auc(train_rows, test_rows) -> float | None:
    """AUC of predicting each test answer by its skill's correct rate in train (a baseline)."""
    right: dict = defaultdict(int)
    total: dict = defaultdict(int)
    for row in train_rows:
        right[row[1]] += row[2]
        total[row[1]] += 1
    overall = sum(right.values()) / max(1, sum(total.values()))
    scores = [right[row[1]] / total[row[1]] if total[row[1]] else overall for row in test_rows]
    return auc([row[2] for row in test_rows], scores)
