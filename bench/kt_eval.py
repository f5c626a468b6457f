"""Print kt-eval figures for Abhyas's model against plain BKT on simulated data, and pyBKT's when available.

    python bench/kt_eval.py [--students 1000] [--days 30] [--seed 0] [--repeat 3] [--json]
                            [--pybkt-python /path/to/python]

Four data sets: simulated students (`simulate.py`: learning speeds, misconceptions, hints,
forgetting overnight — not drawn from our model); answers drawn from the model itself with
difficulty levels, choice items and days between sessions (`synthetic.py`); and the same
with each item also harder or easier than its level by its own amount (what KT-IDEM and
our item offsets learn); and that with 300 items per skill, a few used often and most
rarely, as in a skill-builder log. On each, the running model (`abhyas`), the same without item
offsets (`abhyas-skill`), plain BKT with per-answer forgetting (`bkt`) and PFA are fitted
on the same train CSV and scored on the same held-out students; the gains are printed.

pyBKT is not a project dependency. It is used when `import pyBKT` works here, or through
another interpreter that has it (`--pybkt-python` or ABHYAS_PYBKT_PYTHON), which keeps
numpy, pandas and scikit-learn out of the project's environment. Otherwise it is skipped
with a message. It sees the same CSVs and is scored by the same exact AUC. To install it
for the bench only (its C++ extension builds from the source distribution):

    python3 -m venv /tmp/pybkt && /tmp/pybkt/bin/pip install pyBKT
    python bench/kt_eval.py --pybkt-python /tmp/pybkt/bin/python
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.adaptive.bkt import BKTParams  # noqa: E402
from app.adaptive.kt_eval import auc, base_rate_auc, evaluate_rows, read_responses, rmse  # noqa: E402
from app.adaptive.simulate import write_kt_csvs  # noqa: E402
from app.adaptive.synthetic import draw_responses, item_id, split_by_student, write_csv  # noqa: E402

# Skills drawn from the model: each with its own difficulty step (what plain BKT cannot see).
DRAWN_SKILLS = {
    "fractions": BKTParams(prior=0.25, learn=0.12, guess=0.15, slip=0.08, difficulty_step=0.7),
    "integers": BKTParams(prior=0.35, learn=0.18, guess=0.2, slip=0.1, difficulty_step=0.5),
    "decimals": BKTParams(prior=0.15, learn=0.08, guess=0.12, slip=0.12, difficulty_step=0.9),
    "ratio": BKTParams(prior=0.2, learn=0.1, guess=0.2, slip=0.06, difficulty_step=0.4),
}
ITEMS_PER_SKILL = 20
# How far items stray from their level, in log-odds (a standard deviation): 0.8 makes one
# level-3 item as hard as a level-4 one and another as easy as a level-2 one.
ITEM_SPREAD = 0.8


# The fourth data set is shaped like a skill-builder log: many items per skill, a few used
# often and most rarely (item n drawn in proportion to 1/(n+1)).
MANY_ITEMS = 300


def with_item_offsets(skills: dict, spread: float = ITEM_SPREAD, items: int = ITEMS_PER_SKILL) -> dict:
    """The skills with each drawn item given its own offset from its level, fixed per skill."""
    out = {}
    for skill, params in skills.items():
        rng = random.Random(f"offsets-{skill}")
        out[skill] = replace(params, item_offsets=tuple(sorted(
            (item_id(skill, n), round(rng.gauss(0.0, spread), 2)) for n in range(items))))
    return out

# Runs under the interpreter that has pyBKT; prints one JSON line of predictions and timings.
PYBKT_SCRIPT = r"""
import json, sys, time
import pandas as pd
from pyBKT.models import Model
train, test = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
train = train.sort_values("order_id"); test = test.sort_values("order_id")
kwargs = {"forgets": True}
if sys.argv[4] == "idem":  # KT-IDEM: a guess and slip per item
    kwargs["multigs"] = "item_id"
fit_times, fit_cpu, predict_times = [], [], []
for _ in range(int(sys.argv[3])):
    model = Model(seed=42, num_fits=5)
    t, c = time.perf_counter(), time.process_time()
    model.fit(data=train, **kwargs)
    fit_times.append(time.perf_counter() - t)
    fit_cpu.append(time.process_time() - c)
    t = time.perf_counter()
    pred = model.predict(data=test)
    predict_times.append(time.perf_counter() - t)
fit_seconds = sorted(fit_times)[len(fit_times) // 2]
fit_cpu_seconds = sorted(fit_cpu)[len(fit_cpu) // 2]
predict_seconds = sorted(predict_times)[len(predict_times) // 2]
pred = pred.sort_values("order_id")
print(json.dumps({"order_id": pred["order_id"].tolist(), "p": pred["correct_predictions"].tolist(),
                  "fit_seconds": fit_seconds, "fit_cpu_seconds": fit_cpu_seconds, "predict_seconds": predict_seconds,
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


def run_pybkt(python: str, train: Path, test: Path, repeat: int = 1, threads: int | None = None,
              item_guess_slip: bool = False) -> dict:
    """Fit and predict with pyBKT (forgets on; with `item_guess_slip`, KT-IDEM's guess and slip per item) in `python`."""
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run([python, "-c", PYBKT_SCRIPT, str(train), str(test), str(repeat),
                          "idem" if item_guess_slip else "plain"], check=True, capture_output=True, text=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # Score by the CSV's own labels so both models are measured identically.
    import csv
    with open(test, newline="") as f:
        labels = {float(r["order_id"]): int(r["correct"]) for r in csv.DictReader(f)}
    y = [labels[float(o)] for o in result["order_id"]]
    p = result["p"]
    cores = f"{threads} thread" if threads else "all threads"
    name = "pyBKT KT-IDEM+forgets" if item_guess_slip else "pyBKT forgets"
    return {"model": f"{name} ({cores})", "auc": auc(y, p), "rmse": rmse(y, p), "n_test": len(y),
            "fit_seconds": round(result["fit_seconds"], 4), "fit_cpu_seconds": round(result["fit_cpu_seconds"], 4),
            "predict_seconds": round(result["predict_seconds"], 4)}


def _median_run(runs: list) -> dict:
    """The first run's scores with the median fit and predict times over all runs."""
    out = dict(runs[0])
    for key in ("fit_seconds", "fit_cpu_seconds", "predict_seconds"):
        out[key] = sorted(r[key] for r in runs)[len(runs) // 2]
    return out


def _compare(train: Path, test: Path, repeat: int, pybkt: str | None) -> dict:
    """Both of our models (and pyBKT when available) on one pair of CSVs."""
    train_rows, test_rows = read_responses(train), read_responses(test)
    results = [_median_run([evaluate_rows(train_rows, test_rows, model=model) for _ in range(repeat)])
               for model in ("abhyas", "abhyas-skill", "bkt", "pfa")]
    note = None
    if pybkt:
        failures = []
        for idem in (False, True):
            try:
                results.append(run_pybkt(pybkt, train, test, repeat, threads=1, item_guess_slip=idem))
            except (subprocess.CalledProcessError, OSError, ValueError) as exc:
                last_line = (str(getattr(exc, "stderr", "") or exc).strip().splitlines() or ["?"])[-1]
                failures.append(f"pyBKT{' KT-IDEM' if idem else ''} failed: {last_line[:200]}")
        note = "; ".join(failures) or None
    else:
        note = "pyBKT not installed here: skipped (see --pybkt-python)"
    return {"train_responses": len(train_rows), "test_responses": len(test_rows),
            "skill_base_rate_auc": base_rate_auc(train_rows, test_rows), "results": results,
            "auc_gain_over_bkt": results[0]["auc"] - results[2]["auc"],
            "auc_gain_of_item_offsets": results[0]["auc"] - results[1]["auc"], "note": note}


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
    repeat = max(1, args.repeat)
    pybkt = _pybkt_python(args.pybkt_python)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        train, test = Path(tmp, "train.csv"), Path(tmp, "test.csv")
        write_kt_csvs(train, test, n_students=args.students, days=args.days, seed=args.seed)
        report["simulated_students"] = _compare(train, test, repeat, pybkt)
        for name, skills, items, weights in (
                ("drawn_with_difficulty_levels", DRAWN_SKILLS, ITEMS_PER_SKILL, None),
                ("drawn_with_items_own_difficulty", with_item_offsets(DRAWN_SKILLS), ITEMS_PER_SKILL, None),
                ("drawn_300_items_per_skill_long_tail", with_item_offsets(DRAWN_SKILLS, items=MANY_ITEMS), MANY_ITEMS,
                 [1.0 / (n + 1) for n in range(MANY_ITEMS)])):
            drawn = draw_responses(skills, args.students, seed=args.seed, items_per_skill=items, item_weights=weights)
            drawn_train, drawn_test = split_by_student(drawn, seed=args.seed)
            write_csv(drawn_train, train)
            write_csv(drawn_test, test)
            report[name] = _compare(train, test, repeat, pybkt)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{args.students} students per data set; times are medians of {repeat} runs, one process "
          "(CPU seconds are the fair comparison on a shared machine)")
    for name, part in report.items():
        print(f"\n{name.replace('_', ' ')}: {part['train_responses']} train / {part['test_responses']} test responses; "
              f"per-skill base rate AUC {part['skill_base_rate_auc']:.4f}")
        print(f"{'model':34} {'AUC':>7} {'RMSE':>7} {'fit s':>8} {'fit CPU s':>10} {'predict s':>10}")
        for r in part["results"]:
            print(f"{r['model']:34} {r['auc']:7.4f} {r['rmse']:7.4f} {r['fit_seconds']:8.2f} {r['fit_cpu_seconds']:10.2f} "
                  f"{r['predict_seconds']:10.2f}")
        print(f"gain over plain BKT: {part['auc_gain_over_bkt']:+.4f} AUC; "
              f"of item offsets over the per-skill model: {part['auc_gain_of_item_offsets']:+.4f} AUC")
        if part["note"]:
            print(part["note"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
