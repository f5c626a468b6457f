"""Print kt-eval figures for Abhyas's BKT on simulated data, and pyBKT's when available.

    python bench/kt_eval.py [--students 1000] [--days 30] [--seed 0] [--repeat 3] [--json]
                            [--pybkt-python /path/to/python]

pyBKT is not a project dependency. It is used when `import pyBKT` works here, or through
another interpreter that has it (`--pybkt-python` or ABHYAS_PYBKT_PYTHON), which keeps
numpy, pandas and scikit-learn out of the project's environment. Otherwise it is skipped
with a message. Both models see the same CSVs and are scored by the same exact AUC.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.adaptive.fit import default_workers  # noqa: E402
from app.adaptive.kt_eval import auc, base_rate_auc, evaluate_rows, read_responses, rmse  # noqa: E402
from app.adaptive.simulate import write_kt_csvs  # noqa: E402

# Runs under the interpreter that has pyBKT; prints one JSON line of predictions and timings.
PYBKT_SCRIPT = r"""
import json, sys, time
import pandas as pd
from pyBKT.models import Model
train, test = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
train = train.sort_values("order_id"); test = test.sort_values("order_id")
fit_times, predict_times = [], []
for _ in range(int(sys.argv[3])):
    model = Model(seed=42, num_fits=5)
    t = time.perf_counter()
    model.fit(data=train, forgets=True)
    fit_times.append(time.perf_counter() - t)
    t = time.perf_counter()
    pred = model.predict(data=test)
    predict_times.append(time.perf_counter() - t)
fit_seconds = sorted(fit_times)[len(fit_times) // 2]
predict_seconds = sorted(predict_times)[len(predict_times) // 2]
pred = pred.sort_values("order_id")
print(json.dumps({"order_id": pred["order_id"].tolist(), "p": pred["correct_predictions"].tolist(),
                  "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                  "version": __import__("pyBKT").__version__ if hasattr(__import__("pyBKT"), "__version__") else "?"}))
"""


def _pybkt_python(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    try:
        import pyBKT  # noqa: F401
        return sys.executable
    except ImportError:
        return os.environ.get("ABHYAS_PYBKT_PYTHON")


def run_pybkt(python: str, train: Path, test: Path, repeat: int = 1, threads: int | None = None) -> dict:
    """Fit and predict with pyBKT (forgets on) in `python`; returns its kt-eval figures."""
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run([python, "-c", PYBKT_SCRIPT, str(train), str(test), str(repeat)], check=True,
                         capture_output=True, text=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # Score by the CSV's own labels so both models are measured identically.
    import csv
    with open(test, newline="") as f:
        labels = {float(r["order_id"]): int(r["correct"]) for r in csv.DictReader(f)}
    y = [labels[float(o)] for o in result["order_id"]]
    p = result["p"]
    cores = f"{threads} thread" if threads else "all threads"
    return {"model": f"pyBKT forgets, C++ ({cores})", "auc": auc(y, p), "rmse": rmse(y, p), "n_test": len(y),
            "fit_seconds": round(result["fit_seconds"], 4),
            "predict_seconds": round(result["predict_seconds"], 4)}


def _median_run(runs: list) -> dict:
    """The first run's scores with the median fit and predict times over all runs."""
    out = dict(runs[0])
    for key in ("fit_seconds", "predict_seconds"):
        out[key] = sorted(r[key] for r in runs)[len(runs) // 2]
    return out


def main(argv=None) -> int:
    """Simulate, evaluate and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--pybkt-python")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        train, test = Path(tmp, "train.csv"), Path(tmp, "test.csv")
        started = time.perf_counter()
        counts = write_kt_csvs(train, test, n_students=args.students, days=args.days, seed=args.seed)
        simulate_seconds = time.perf_counter() - started
        train_rows, test_rows = read_responses(train), read_responses(test)
        repeat = max(1, args.repeat)
        workers = default_workers()
        results = []
        for n in sorted({1, workers}):
            run = _median_run([evaluate_rows(train_rows, test_rows, workers=n) for _ in range(repeat)])
            run["model"] += f" ({n} process{'es' if n > 1 else ''})"
            results.append(run)
        baseline = base_rate_auc(train_rows, test_rows)
        python = _pybkt_python(args.pybkt_python)
        note = None
        if python:
            try:
                for threads in (1, None):
                    results.append(run_pybkt(python, train, test, repeat, threads))
            except (subprocess.CalledProcessError, OSError, ValueError) as exc:
                note = f"pyBKT failed: {getattr(exc, 'stderr', '') or exc}".strip()[-300:]
        else:
            note = "pyBKT not installed here: skipped (set --pybkt-python to compare)"
    report = {"train_responses": counts["train"], "test_responses": counts["test"],
              "simulate_seconds": round(simulate_seconds, 2), "skill_base_rate_auc": baseline,
              "results": results, "note": note}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"simulated {counts['train']} train / {counts['test']} test responses "
          f"({args.students} students, {args.days} days) in {simulate_seconds:.1f} s; "
          f"times are medians of {max(1, args.repeat)} runs")
    print(f"per-skill base rate AUC: {baseline:.4f}")
    print(f"{'model':38} {'AUC':>7} {'RMSE':>7} {'fit s':>8} {'predict s':>10}")
    for r in results:
        print(f"{r['model']:38} {r['auc']:7.4f} {r['rmse']:7.4f} {r['fit_seconds']:8.2f} {r['predict_seconds']:10.2f}")
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
