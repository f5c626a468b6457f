"""EM fitting: parameter recovery, held-out prediction, bounds, thin data and determinism."""
import random

import pytest

from app.adaptive.bkt import BKTParams
from app.adaptive.fit import BOUNDS, PLAIN_BKT, RUNNING, fit_sequences, fit_skill, fit_skills, log_likelihood
from app.adaptive.kt_eval import auc, base_rate_auc, predict_next
from app.adaptive.simulate import answer_events, synthetic_catalog
from app.adaptive.synthetic import draw_responses, split_by_student


def simulate_bkt(params: BKTParams, students: int, length: int, seed: int) -> list:
    """Answer sequences drawn from the BKT-with-forgetting model itself."""
    rng = random.Random(seed)
    sequences = []
    for _ in range(students):
        known = rng.random() < params.prior
        seq = []
        for _ in range(length):
            seq.append(int(rng.random() < ((1 - params.slip) if known else params.guess)))
            known = (rng.random() >= params.forget) if known else (rng.random() < params.learn)
        sequences.append(seq)
    return sequences


@pytest.mark.parametrize("true", [
    BKTParams(prior=0.25, learn=0.12, guess=0.18, slip=0.08, forget=0.03),
    BKTParams(prior=0.5, learn=0.25, guess=0.25, slip=0.15, forget=0.01),
    BKTParams(prior=0.1, learn=0.06, guess=0.1, slip=0.05, forget=0.05),
])
def test_recovers_the_parameters_it_was_simulated_from(true):
    fit = fit_sequences(simulate_bkt(true, students=2000, length=20, seed=7), spec=PLAIN_BKT)
    got = fit.params
    assert not fit.used_defaults
    assert got.prior == pytest.approx(true.prior, abs=0.05)
    assert got.learn == pytest.approx(true.learn, abs=0.04)
    assert got.guess == pytest.approx(true.guess, abs=0.04)
    assert got.slip == pytest.approx(true.slip, abs=0.03)
    assert got.forget == pytest.approx(true.forget, abs=0.02)


def test_fit_is_at_least_as_likely_as_the_truth():
    true = BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0.02)
    sequences = simulate_bkt(true, students=500, length=15, seed=3)
    fit = fit_sequences(sequences, spec=PLAIN_BKT)
    assert fit.log_likelihood >= log_likelihood(sequences, true, PLAIN_BKT) - 1e-6


def test_the_reported_log_likelihood_is_the_returned_parameters():
    sequences = simulate_bkt(BKTParams(prior=0.3, learn=0.1), students=300, length=12, seed=8)
    for spec in (RUNNING, PLAIN_BKT):
        fit = fit_sequences(sequences, spec=spec)
        assert fit.log_likelihood == log_likelihood(sequences, fit.params, spec)


TRUTH = {"easy_start": BKTParams(prior=0.3, learn=0.15, guess=0.15, slip=0.08, forget=0.0, difficulty_step=0.6),
         "slow": BKTParams(prior=0.15, learn=0.08, guess=0.2, slip=0.12, forget=0.0, difficulty_step=0.4)}


def test_the_running_model_recovers_difficulty_guessing_and_forgetting_parameters():
    fits = fit_skills(draw_responses(TRUTH, students=1200, seed=3))
    for skill, true in TRUTH.items():
        got = fits[skill].params
        assert got.prior == pytest.approx(true.prior, abs=0.05)
        assert got.learn == pytest.approx(true.learn, abs=0.03)
        assert got.guess == pytest.approx(true.guess, abs=0.03)
        assert got.slip == pytest.approx(true.slip, abs=0.03)
        assert got.difficulty_step == pytest.approx(true.difficulty_step, abs=0.12)
        assert got.forget == 0.0


def test_the_running_model_beats_plain_bkt_on_held_out_students():
    train, test = split_by_student(draw_responses(TRUTH, students=1000, seed=4))
    labels = [r[2] for r in test]
    scores = {}
    for spec in (RUNNING, PLAIN_BKT):
        params = {skill: f.params for skill, f in fit_skills(train, spec=spec).items()}
        scores[spec.name] = auc(labels, predict_next(test, params, spec=spec))
    assert scores["abhyas"] > scores["bkt"] + 0.02


def test_the_difficulty_step_shrinks_to_its_default_on_thin_data():
    steep = {"k": BKTParams(prior=0.15, learn=0.08, guess=0.2, slip=0.12, difficulty_step=1.0)}
    thin = fit_skills(draw_responses(steep, students=15, sessions=2, per_session=8, seed=5))["k"]
    rich = fit_skills(draw_responses(steep, students=1500, seed=5))["k"]
    assert not thin.used_defaults
    assert abs(thin.params.difficulty_step - 0.5) < 0.25 < abs(rich.params.difficulty_step - 0.5)


def test_next_answer_auc_beats_the_skill_base_rate_on_held_out_students():
    catalog = synthetic_catalog(n_skills=6, seed=1)
    events = [e for e in answer_events(catalog, 400, days=20, seed=1) if e["type"] == "answer"]
    test_ids = {f"s{i:04d}" for i in range(1, 401, 5)}
    def rows(part):
        return [(e["student"], e["skill"], int(e["correct"])) for e in events if (e["student"] in test_ids) == part]
    train, test = rows(False), rows(True)
    params = {skill: f.params for skill, f in fit_skills(train).items()}
    model_auc = auc([c for *_, c in test], predict_next(test, params))
    baseline = base_rate_auc(train, test)
    assert model_auc > baseline + 0.1


def test_parameters_stay_inside_bounds_even_on_odd_data():
    # Students who are right exactly when they "should not" be: pushes EM towards swapping states.
    sequences = [[1, 1, 1, 0, 0, 0, 0, 0] for _ in range(60)] + [[0, 1, 0, 1, 0, 1, 0, 1] for _ in range(60)]
    for spec in (RUNNING, PLAIN_BKT):
        got = fit_sequences(sequences, spec=spec).params.as_dict()
        for name, (lo, hi) in BOUNDS.items():
            # The running model forgets over time, never per answer; plain BKT fits no difficulty.
            held = (name == "forget" and not spec.fit_forget) or (name == "difficulty_step" and not spec.items)
            assert got[name] == 0.0 if held else lo <= got[name] <= hi


def test_thin_data_gets_the_defaults():
    defaults = BKTParams(prior=0.3)
    fit = fit_skill([("a", 1), ("a", 0), ("b", 1)], defaults)
    assert fit.used_defaults and fit.params == defaults
    assert fit_sequences([[1, 0, 1]] * 100, defaults, min_students=200).used_defaults


def test_fit_does_not_depend_on_student_order():
    sequences = simulate_bkt(BKTParams(), students=300, length=12, seed=5)
    assert fit_sequences(sequences).params == fit_sequences(list(reversed(sequences))).params


def test_fit_skills_groups_rows_by_skill_and_student_in_order():
    rows = []
    for seq_no, seq in enumerate(simulate_bkt(BKTParams(), students=300, length=10, seed=2)):
        for correct in seq:
            rows.append((f"u{seq_no}", "k1", correct))
            rows.append((f"u{seq_no}", "k2", 1 - correct))
    fits = fit_skills(rows)
    assert set(fits) == {"k1", "k2"}
    assert fits["k1"].n_responses == 3000 and fits["k1"].n_students == 300
    assert fits["k1"].params != fits["k2"].params


def test_parallel_fit_gives_the_same_result():
    rows = [(f"u{i}", f"k{i % 3}", int((i * 7) % 5 != 0)) for i in range(30000)]
    assert fit_skills(rows, workers=2) == fit_skills(rows, workers=1)


def test_fit_from_events_credits_answers_as_replay_does():
    from app.adaptive.fit import fit_from_events
    from app.adaptive.state import mastery_observations
    catalog = synthetic_catalog(n_skills=3, seed=4)
    logs = {}
    for n, e in enumerate(answer_events(catalog, 120, days=10, seed=4)):
        logs.setdefault(e["student"], []).append(dict(e, id=n))
    items = catalog["items"]
    observations = [(n, skill, credited, items[item]["difficulty"],
                     len(items[item]["choices"]) if items[item]["kind"] == "choice" else 0, event["ts"], item)
                    for n, log in enumerate(logs.values())
                    for skill, item, credited, event in mastery_observations(log, catalog)]
    # Hinted right answers count as not known, so crediting changes the data.
    assert sum(c for _, _, c, *_ in observations) < sum(1 for log in logs.values() for e in log if e.get("correct"))
    assert fit_from_events(logs.values(), catalog) == fit_skills(observations)
