"""Student state as a pure function of the event log."""
import json
import random
from pathlib import Path

from app.adaptive.bkt import BKTParams, known_at, posterior_known, update_mastery
from app.adaptive.review import ReviewMemory, update_review
from app.adaptive.state import mastery_observations, replay

CATALOG = json.loads((Path(__file__).parent / "golden" / "catalog.json").read_text(encoding="utf-8"))
T0 = 1_767_225_600
DAY = 86400


def answer(n, item, correct, ts=None, **extra):
    return {"id": f"e{n}", "type": "answer", "item": item, "ts": ts or T0 + n * 60, "correct": correct,
            "misconception": None, "hints": 0, "seconds": 30.0, **extra}


def random_log(seed, n=200):
    rng = random.Random(seed)
    items = sorted(CATALOG["items"])
    events = []
    for k in range(n):
        item = rng.choice(items)
        kind = rng.choice(["shown", "answer", "answer", "answer", "hint", "skip", "time"])
        mc = None
        if kind == "answer" and rng.random() < 0.2 and CATALOG["items"][item]["wrong"]:
            mc = CATALOG["items"][item]["wrong"][0]["misconception"]
        events.append({"id": f"r{k}", "type": kind, "item": item, "ts": T0 + k * 300,
                       "correct": kind == "answer" and mc is None and rng.random() < 0.6,
                       "misconception": mc, "hints": rng.choice([0, 0, 0, 1, 2]), "seconds": rng.uniform(3, 90)})
    events.append({"id": "refl", "type": "reflection", "item": "refl_explain", "ts": T0 + n * 300})
    return events


def test_replaying_the_same_log_twice_gives_equal_state():
    log = random_log(1)
    assert replay(log, CATALOG, {}) == replay(log, CATALOG, {})
    assert replay(log, CATALOG, {}).as_dict() == replay(list(log), CATALOG, {}).as_dict()
    assert replay(log, CATALOG, {}) != replay(random_log(2), CATALOG, {})


def test_an_event_delivered_twice_counts_once():
    log = random_log(3)
    duplicated = log[:50] + log[10:30] + log[50:]
    assert replay(duplicated, CATALOG, {}) == replay(log, CATALOG, {})


def test_mastery_follows_bkt_for_each_credited_answer():
    params = {"int_add": BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1, forget=0.01)}
    state = replay([answer(1, "add3", True), answer(2, "add4", False)], CATALOG, params)
    p, memory, expected_mastery = 0.3, ReviewMemory(), None
    for n, correct in ((1, True), (2, False)):
        p = known_at(p, memory, T0 + n * 60)   # a minute apart: almost nothing forgotten
        expected_mastery = posterior_known(p, correct, params["int_add"], 3)
        p = update_mastery(p, correct, params["int_add"], 3)
        memory = update_review(memory, correct, T0 + n * 60)
    sk = state.skills["int_add"]
    assert sk.p_known == p and sk.mastery == expected_mastery
    assert (sk.attempts, sk.credited, sk.correct) == (2, 2, 1)
    assert state.skills["int_compare"].p_known == BKTParams().prior  # untouched skills keep the prior


def test_retries_and_hinted_answers_do_not_count_as_knowing():
    retry = [answer(1, "add3", False), answer(2, "add3", True)]
    state = replay(retry, CATALOG, {})
    assert state.skills["int_add"].credited == 1 and state.skills["int_add"].correct == 1
    once = replay([answer(1, "add3", False)], CATALOG, {})
    assert state.skills["int_add"].p_known == once.skills["int_add"].p_known
    hinted = replay([answer(1, "add3", True, hints=2)], CATALOG, {})
    wrong = replay([answer(1, "add3", False)], CATALOG, {})
    assert hinted.skills["int_add"].p_known == wrong.skills["int_add"].p_known
    # Showing the item again makes the next answer fresh evidence.
    shown_again = retry[:1] + [{"id": "s", "type": "shown", "item": "add3", "ts": T0 + 90}] + retry[1:]
    assert replay(shown_again, CATALOG, {}).skills["int_add"].credited == 2


def test_mastered_flag_and_time_follow_the_threshold():
    log = [answer(n, f"cmp{1 + n % 5}", True, ts=T0 + n * DAY) for n in range(12)]
    state = replay(log, CATALOG, {}, threshold=0.95)
    sk = state.skills["int_compare"]
    assert sk.mastered and sk.mastery >= 0.95 and sk.mastered_at is not None
    assert not replay(log, CATALOG, {}, threshold=0.999).skills["int_compare"].mastered
    assert "int_compare" in state.mastered_skills()


def test_misconceptions_are_counted_with_last_seen_time():
    log = [answer(1, "sub2", False, misconception="subtract_negative_as_minus"),
           answer(2, "sub6", False, misconception="subtract_negative_as_minus", ts=T0 + DAY),
           answer(3, "sub3", False, misconception="order_swapped")]
    state = replay(log, CATALOG, {})
    mc = state.misconceptions["subtract_negative_as_minus"]
    assert mc.count == 2 and mc.last_seen == T0 + DAY and mc.seen_at == [T0 + 60, T0 + DAY]
    assert state.misconceptions["order_swapped"].count == 1


def test_item_history_practice_times_and_review_memory():
    log = [{"id": "s1", "type": "shown", "item": "add1", "ts": T0}, answer(1, "add1", True, ts=T0 + 10),
           {"id": "k1", "type": "skip", "item": "add2", "ts": T0 + 20}, answer(2, "add3", False, ts=T0 + 30)]
    state = replay(log, CATALOG, {})
    assert state.items["add1"].last_correct == T0 + 10 and state.items["add1"].last_shown == T0
    assert state.items["add2"].skips == 1 and state.items["add3"].last_correct is None
    assert state.skills["int_add"].last_practised == T0 + 30
    assert state.skills["int_add"].review.reviews == 2
    assert state.skills["int_add"].review.last_review_ts == T0 + 30


def test_unknown_items_and_odd_events_are_ignored_not_fatal():
    log = [answer(1, "no_such_item", True), {"id": "x", "type": "time", "seconds": 30, "ts": T0},
           {"id": "y", "type": "reflection", "item": "refl_next", "ts": T0 + 5}]
    state = replay(log, CATALOG, {})
    assert state.events == 3 and state.reflections == [("refl_next", T0 + 5)]
    assert all(sk.attempts == 0 for sk in state.skills.values())


def test_priors_replace_the_fitted_prior_and_diagnostic_answers_are_not_counted_twice():
    priors = {"int_add": 0.7}
    log = [answer(1, "add3", True, diagnostic=True), answer(2, "add4", True)]
    with_priors = replay(log, CATALOG, {}, priors=priors)
    only_second = replay(log[1:], CATALOG, {}, priors=priors)
    assert with_priors.skills["int_add"].p_known == only_second.skills["int_add"].p_known
    assert with_priors.skills["int_add"].attempts == 2


def test_mastery_observations_share_the_crediting_rule_for_fitting():
    log = [answer(1, "add3", False), answer(2, "add3", True), answer(3, "add4", True, hints=1), answer(3, "x", 1)]
    assert [(s, i, c) for s, i, c, _ in mastery_observations(log, CATALOG)] == [("int_add", "add3", False),
                                                                               ("int_add", "add4", False)]


def test_hint_events_and_attempt_numbers_are_understood():
    shown = {"id": "s", "type": "shown", "item": "add3", "ts": T0}
    hint = {"id": "h", "type": "hint", "item": "add3", "ts": T0 + 5, "hints": 1}
    hinted = replay([shown, hint, answer(1, "add3", True)], CATALOG, {})
    unaided = replay([shown, answer(1, "add3", True)], CATALOG, {})
    wrong = replay([shown, answer(1, "add3", False)], CATALOG, {})
    assert hinted.skills["int_add"].p_known == wrong.skills["int_add"].p_known != unaided.skills["int_add"].p_known
    assert hinted.skills["int_add"].hints == 1
    # A hint before an earlier showing does not follow the item into the next one.
    reshown = [shown, hint, answer(1, "add3", False), dict(shown, id="s2", ts=T0 + 100), answer(2, "add3", True)]
    assert replay(reshown, CATALOG, {}).skills["int_add"].credited == 2
    assert [c for *_, c, _ in mastery_observations(reshown, CATALOG)] == [False, True]
    second_try = replay([shown, answer(1, "add3", True, attempt=2)], CATALOG, {})
    assert second_try.skills["int_add"].credited == 0 and second_try.skills["int_add"].attempts == 1


def test_mastery_fades_while_a_skill_goes_unpractised():
    from app.adaptive.state import known_now
    log = [answer(n, item, True) for n, item in enumerate(["add1", "add2", "add3", "add4", "add5", "add6"] * 2)]
    sk = replay(log, CATALOG, {}).skills["int_add"]
    last = log[-1]["ts"]
    assert known_now(sk, last) == sk.p_known
    assert sk.p_known > known_now(sk, last + DAY) > known_now(sk, last + 30 * DAY)
    # The next answer starts from the faded value: the same answer a month later leaves lower mastery.
    soon = replay(log + [answer(99, "add1", True, ts=last + 60)], CATALOG, {}).skills["int_add"]
    later = replay(log + [answer(99, "add1", True, ts=last + 30 * DAY)], CATALOG, {}).skills["int_add"]
    assert later.mastery < soon.mastery


def test_a_lucky_pick_between_two_choices_says_less_than_a_typed_answer():
    typed = replay([answer(1, "add3", True)], CATALOG, {}).skills["int_add"]
    picked = replay([answer(1, "cmp4", True)], CATALOG, {}).skills["int_compare"]
    assert CATALOG["items"]["cmp4"]["choices"] == ["a", "b"] and CATALOG["items"]["cmp4"]["difficulty"] == 3
    assert picked.mastery < typed.mastery
