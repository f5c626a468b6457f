"""BKT with forgetting: the update rule, item-level prediction, and the golden vectors."""
import json
from pathlib import Path

import pytest

from app.adaptive.bkt import (
    BKTParams,
    is_mastered,
    item_guess_slip,
    observe,
    posterior_known,
    predict_correct,
    update_mastery,
)
from app.adaptive.review import ReviewMemory

GOLDEN = json.loads((Path(__file__).parent / "golden" / "bkt.json").read_text(encoding="utf-8"))


def test_golden_vectors_match():
    for c in GOLDEN["single"]:
        params, d, k, b = BKTParams.from_dict(c["params"]), c["difficulty"], c["choices"], c["offset"]
        assert item_guess_slip(params, d, k, b) == pytest.approx((c["guess"], c["slip"]), abs=1e-12)
        assert predict_correct(c["p"], params, d, k, b) == pytest.approx(c["predict"], abs=1e-12)
        assert update_mastery(c["p"], True, params, d, k, b) == pytest.approx(c["update_correct"], abs=1e-12)
        assert update_mastery(c["p"], False, params, d, k, b) == pytest.approx(c["update_wrong"], abs=1e-12)
    for s in GOLDEN["sequences"]:
        params, p, memory = BKTParams.from_dict(s["params"]), s["params"]["prior"], ReviewMemory()
        for correct, d, k, ts, item, expected in zip(s["answers"], s["difficulties"], s["choices"], s["times"], s["items"],
                                                     s["trace"]):
            seen = observe(p, memory, correct, params, d, k, ts, params.item_offset(item))
            p, memory = seen.p_next, seen.memory
            assert (seen.predicted, seen.mastery, p) == pytest.approx(
                (expected["predicted"], expected["mastery"], expected["p_next"]), abs=1e-12)


def test_update_is_posterior_then_learn_or_forget():
    params = BKTParams(prior=0.2, learn=0.15, guess=0.2, slip=0.1, forget=0.02)
    post = 0.5 * 0.9 / (0.5 * 0.9 + 0.5 * 0.2)
    assert posterior_known(0.5, True, params) == pytest.approx(post)
    assert update_mastery(0.5, True, params) == pytest.approx(post * 0.98 + (1 - post) * 0.15)
    post_wrong = 0.5 * 0.1 / (0.5 * 0.1 + 0.5 * 0.8)
    assert update_mastery(0.5, False, params) == pytest.approx(post_wrong * 0.98 + (1 - post_wrong) * 0.15)


def test_right_answers_raise_and_wrong_answers_lower_mastery():
    params = BKTParams()
    for p in (0.1, 0.4, 0.8):
        assert posterior_known(p, True, params) > p > posterior_known(p, False, params)


def test_mastery_is_reachable_despite_forgetting():
    params, p = BKTParams(forget=0.04), 0.2
    for _ in range(8):
        mastery = posterior_known(p, True, params)
        p = update_mastery(p, True, params)
    assert is_mastered(mastery, 0.95)


def test_harder_items_are_predicted_harder_and_teach_more_when_right():
    params = BKTParams()
    predictions = [predict_correct(0.5, params, d) for d in (1, 2, 3, 4, 5)]
    assert predictions == sorted(predictions, reverse=True)
    assert predictions[0] - predictions[-1] > 0.2
    assert predict_correct(0.5, params, 3) == pytest.approx(0.5 * 0.9 + 0.5 * 0.2)
    # A right answer on a hard item is stronger evidence than on an easy one.
    assert posterior_known(0.5, True, params, 5) > posterior_known(0.5, True, params, 1)
    # Out-of-range difficulties are clamped, not extrapolated.
    assert predict_correct(0.5, params, 9) == predict_correct(0.5, params, 5)


def test_params_round_trip_through_dicts():
    params = BKTParams(0.3, 0.1, 0.2, 0.05, 0.01)
    assert BKTParams.from_dict({**params.as_dict(), "unknown": 1}) == params


def test_choice_items_never_guess_below_one_in_the_number_of_choices():
    from app.adaptive.bkt import item_guess_slip
    params = BKTParams(guess=0.2, slip=0.1)
    assert item_guess_slip(params, 3, 2) == (0.5, 0.1)
    assert item_guess_slip(params, 3, 4) == (0.25, 0.1)
    assert item_guess_slip(params, 1, 4)[0] > 0.25          # an easy item's own guess may be higher
    assert item_guess_slip(params, 3, 0) == (0.2, 0.1)      # typed answers have no floor
    assert item_guess_slip(BKTParams(difficulty_step=0.0), 5) == (BKTParams().guess, BKTParams().slip)


def test_an_items_offset_moves_guess_and_slip_like_a_difficulty_step():
    params = BKTParams(guess=0.2, slip=0.1, difficulty_step=0.5, item_offsets=(("hard", 0.5), ("easy", -1.0)))
    assert item_guess_slip(params, 3, 0, params.item_offset("hard")) == pytest.approx(item_guess_slip(params, 4, 0))
    assert item_guess_slip(params, 3, 0, params.item_offset("easy")) == pytest.approx(item_guess_slip(params, 1, 0))
    assert params.item_offset("unknown") == 0.0
    # A choice item's guess floor still holds, however easy or hard the item has proved.
    assert item_guess_slip(params, 5, 2, 3.0)[0] == 0.5
    assert BKTParams.from_dict(params.as_dict()) == params
    assert BKTParams.from_dict({**params.as_dict(), "item_offsets": '{"easy": -1.0, "hard": 0.5}'}) == params
