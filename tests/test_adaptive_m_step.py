"""Item offsets in the M-step (KT-IDEM style): recovered from data, worth more than the per-skill model, shrunk when rare."""
import pytest

from app.adaptive.bkt import NEUTRAL_DIFFICULTY, BKTParams
from app.adaptive.em import ITEM_OFFSET_LIMIT, RUNNING, StepData, log_likelihood
from app.adaptive.fit import PER_SKILL, fit_skills, skill_sequences
from app.adaptive.kt_eval import auc, predict_next
from app.adaptive.synthetic import draw_responses, item_id, split_by_student

# Twenty items whose own offsets run from -1.25 to +1.25 log-odds around their difficulty level.
OFFSETS = tuple(sorted((item_id("k", n), ((n * 7) % 11 - 5) * 0.25) for n in range(20)))
TRUTH = BKTParams(prior=0.25, learn=0.12, guess=0.18, slip=0.1, difficulty_step=0.5, item_offsets=OFFSETS)


def _shift(params: BKTParams, item: str, difficulty: float) -> float:
    """How far an item's guess and slip sit from the skill's, in log-odds: its level's step plus its own offset."""
    return params.difficulty_step * (difficulty - NEUTRAL_DIFFICULTY) + params.item_offset(item)


def test_each_items_own_difficulty_is_recovered_from_answers_drawn_with_it():
    rows = draw_responses({"k": TRUTH}, students=1500, seed=3)
    level = {r[6]: r[3] for r in rows}
    fit = fit_skills(rows)["k"]
    got = fit.params
    assert got.prior == pytest.approx(TRUTH.prior, abs=0.05)
    assert got.learn == pytest.approx(TRUTH.learn, abs=0.03)
    assert got.guess == pytest.approx(TRUTH.guess, abs=0.03)
    assert got.slip == pytest.approx(TRUTH.slip, abs=0.03)
    # The level's step and an item's offset trade off against each other; their sum is what the data pins down.
    errors = [_shift(got, item, level[item]) - _shift(TRUTH, item, level[item]) for item, _ in OFFSETS]
    assert max(abs(e) for e in errors) < 0.3
    assert fit.log_likelihood > log_likelihood(StepData(skill_sequences(rows)["k"], RUNNING), TRUTH)


def test_item_offsets_beat_the_per_skill_model_on_held_out_students():
    train, test = split_by_student(draw_responses({"k": TRUTH}, students=1000, seed=4))
    labels = [r[2] for r in test]
    scores = {}
    for spec in (RUNNING, PER_SKILL):
        params = {skill: f.params for skill, f in fit_skills(train, spec=spec).items()}
        scores[spec.name] = auc(labels, predict_next(test, params, spec=spec))
    assert scores["abhyas"] > scores["abhyas-skill"] + 0.01


def test_a_rarely_answered_item_stays_near_its_level_while_a_common_one_shows_its_own_difficulty():
    hard = tuple(sorted(((item_id("k", 0), 2.0), (item_id("k", 1), 2.0))))
    truth = {"k": BKTParams(prior=0.25, learn=0.12, guess=0.18, slip=0.1, difficulty_step=0.5, item_offsets=hard)}
    rows = draw_responses(truth, students=1500, seed=6, item_weights=[0.005] + [1.0] * 19)
    rare_answers = sum(1 for r in rows if r[6] == item_id("k", 0))
    assert 0 < rare_answers <= 15
    got = fit_skills(rows)["k"].params
    assert got.item_offset(item_id("k", 1)) > 1.4
    assert abs(got.item_offset(item_id("k", 0))) < 0.8


def test_offsets_are_stored_to_a_tenth_and_only_where_the_data_moved_them():
    rows = draw_responses({"k": TRUTH}, students=400, seed=8)
    offsets = fit_skills(rows)["k"].params.item_offsets
    assert offsets and all(b != 0 and b == round(b, 1) and abs(b) <= ITEM_OFFSET_LIMIT for _, b in offsets)
    assert [item for item, _ in offsets] == sorted(item for item, _ in offsets)


def test_the_per_skill_and_plain_models_ignore_item_ids():
    rows = draw_responses({"k": TRUTH}, students=200, seed=9)
    assert fit_skills(rows, spec=PER_SKILL)["k"].params.item_offsets == ()
    assert fit_skills(rows, spec=PER_SKILL)["k"] == fit_skills([r[:6] for r in rows], spec=PER_SKILL)["k"]
