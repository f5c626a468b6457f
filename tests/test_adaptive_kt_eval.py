"""kt-eval: the CSV round trip, exact AUC with ties, and honest next-answer prediction."""
import itertools
import random

import pytest

from app.adaptive.bkt import BKTParams
from app.adaptive.kt_eval import auc, evaluate_csv, predict_next, read_responses, rmse
from app.adaptive.simulate import write_kt_csvs


def brute_force_auc(labels, scores):
    pos = [s for y, s in zip(labels, scores) if y]
    neg = [s for y, s in zip(labels, scores) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_is_exact_with_ties():
    rng = random.Random(4)
    for _ in range(20):
        labels = [rng.randint(0, 1) for _ in range(60)]
        scores = [rng.choice((0.1, 0.2, 0.5, 0.7)) for _ in range(60)]  # many ties
        if 0 < sum(labels) < 60:
            assert auc(labels, scores) == pytest.approx(brute_force_auc(labels, scores), abs=1e-12)
    assert auc([1, 1, 0, 0], [0.5] * 4) == 0.5
    assert auc([1, 0], [0.9, 0.1]) == 1.0
    assert auc([1, 1], [0.2, 0.3]) is None


def test_rmse():
    assert rmse([1, 0], [1.0, 0.0]) == 0.0
    assert rmse([1, 0], [0.5, 0.5]) == pytest.approx(0.5)


def test_predictions_use_only_earlier_answers_of_the_same_student_and_skill():
    params = {"k": BKTParams()}
    rows = [("a", "k", 1), ("b", "k", 0), ("a", "k", 1), ("a", "j", 0), ("b", "k", 1)]
    predictions = predict_next(rows, params)
    first = predictions[0]
    assert predictions[1] == first                       # b has no history yet
    assert predictions[2] > first                        # a was right once
    assert predictions[3] == pytest.approx(0.2 * 0.9 + 0.8 * 0.2)  # skill j: defaults, no history
    assert predictions[4] < first                        # b was wrong once


def test_evaluate_csv_reports_every_figure(tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    counts = write_kt_csvs(train, test, n_students=150, days=12, seed=3)
    result = evaluate_csv(train, test, workers=1)
    assert set(result) == {"model", "auc", "rmse", "n_test", "fit_seconds", "fit_cpu_seconds", "predict_seconds"}
    assert 0 < result["fit_cpu_seconds"]
    assert result["n_test"] == counts["test"] > 0
    assert 0.6 < result["auc"] <= 1.0
    assert 0.0 < result["rmse"] < 0.5


def test_rows_are_read_in_order_id_order(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("order_id,user_id,skill_name,correct\n3,u,k,0\n1,u,k,1\n2,v,k,1\n")
    assert read_responses(path) == [("u", "k", 1, 3, 0, None, ""), ("v", "k", 1, 3, 0, None, ""), ("u", "k", 0, 3, 0, None, "")]


def test_optional_columns_carry_difficulty_choices_and_time(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("order_id,user_id,skill_name,correct,difficulty,choices,timestamp,problem_id\n1,u,k,1,5,2,1767225600,p7\n2,u,k,0,,,,\n")
    assert read_responses(path) == [("u", "k", 1, 5.0, 2, 1767225600.0, "p7"), ("u", "k", 0, 3, 0, None, "")]


@pytest.mark.parametrize("text,message", [
    ("order_id,user_id,correct\n1,u,1\n", "skill_name"),
    ("order_id,user_id,skill_name,correct\n1,u,k,yes\n", ":2:"),
    ("order_id,user_id,skill_name,correct\n1,u,k,2\n", "0 or 1"),
])
def test_bad_csvs_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_responses(path)
