"""PFA, the logistic rival kt-eval compares against: features from the student's own history, sensible weights."""
from app.adaptive import pfa
from app.adaptive.bkt import BKTParams
from app.adaptive.kt_eval import auc, evaluate_rows
from app.adaptive.synthetic import draw_responses, split_by_student

TRUTH = {"k": BKTParams(prior=0.2, learn=0.15, guess=0.15, slip=0.08, difficulty_step=0.6)}


def test_features_count_only_earlier_answers_of_the_same_student_and_skill():
    day = 86400
    rows = [("a", "k", 1, 3, 0, 0.0), ("a", "k", 0, 5, 2, 2 * day), ("b", "k", 1, 1, 0, 2 * day), ("a", "j", 1, 3, 0, 3 * day),
            ("a", "k", 1, 3, 0, 3 * day)]
    features = [x for _, x, _ in pfa.feature_rows(rows)]
    assert features[0][1:3] == [0.0, 0.0] and features[2][1:3] == [0.0, 0.0] and features[3][1:3] == [0.0, 0.0]
    assert features[4][1] > 0 and features[4][2] > 0          # one right, one wrong before
    assert features[1][3:5] == [2.0, 0.5]                     # difficulty 5, two choices
    assert abs(features[4][5] - 0.6931471805599453) < 1e-12   # ln(1 + 1 day)


def test_weights_say_practice_helps_and_hard_items_are_harder():
    w = pfa.fit(draw_responses(TRUTH, students=300, seed=2))["k"]
    assert w[1] > 0 and w[3] < 0


def test_pfa_beats_the_base_rate_but_not_the_running_model_on_drawn_data():
    train, test = split_by_student(draw_responses(TRUTH, students=500, seed=6))
    figures = {m: evaluate_rows(train, test, model=m)["auc"] for m in ("abhyas", "pfa")}
    assert 0.6 < figures["pfa"] < figures["abhyas"]
    assert auc([r[2] for r in test], pfa.predict(test, pfa.fit(train))) == figures["pfa"]
