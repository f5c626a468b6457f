"""The student simulator: reproducible, consistent with the grader, with real learning."""
from app.adaptive.simulate import answer_events, make_students, synthetic_catalog
from app.grading import grade_response

CATALOG = synthetic_catalog(n_skills=6, seed=2)


def test_same_seed_same_events():
    a = list(answer_events(CATALOG, 20, days=10, seed=5))
    b = list(answer_events(CATALOG, 20, days=10, seed=5))
    assert a == b and a != list(answer_events(CATALOG, 20, days=10, seed=6))


def test_responses_regrade_to_the_recorded_outcome():
    for e in answer_events(CATALOG, 30, days=10, seed=1):
        if e["type"] != "answer":
            continue
        grade = grade_response(CATALOG["items"][e["item"]], e["response"])
        assert grade.correct == e["correct"]
        assert grade.misconception == e["misconception"] or (e["misconception"] is None and not grade.misconception)


def test_events_carry_what_the_seeder_needs_in_time_order():
    last = {}
    for e in answer_events(CATALOG, 10, days=8, seed=3):
        assert {"student", "type", "day", "ts", "item", "skill", "correct", "seconds", "hints", "misconception"} <= set(e)
        assert e["ts"] >= last.get(e["student"], 0)
        last[e["student"]] = e["ts"]
        assert e["seconds"] > 0 and e["hints"] >= 0


def test_students_learn_over_time():
    students = make_students(CATALOG, 200, seed=4)
    def knows():
        return sum(s.known["k01"] for s in students) + sum(s.known["k02"] for s in students)
    before = knows()
    events = [e for e in answer_events(CATALOG, students, days=20, seed=4) if e["type"] == "answer"]
    assert knows() > before + 40
    first_day = [e["correct"] for e in events if e["skill"] == "k01" and e["day"] == 0]
    assert sum(first_day) / len(first_day) < 0.7


def test_students_differ_and_some_hold_misconceptions():
    students = make_students(CATALOG, 100, seed=0)
    assert len({round(s.speed, 3) for s in students}) > 50
    assert 5 < sum(1 for s in students if s.misconceptions) < 100
    seen = {e["misconception"] for e in answer_events(CATALOG, 60, days=10, seed=0) if e["misconception"]}
    assert seen and seen <= set(CATALOG["misconceptions"])
