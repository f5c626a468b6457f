"""The pilot analysis on records whose answer is known."""
import pytest

from app.pilot.analysis import analyse_pilot, estimate_effect, verdict_for


def _class(effect_points, n=40, cluster="A", pre_shift=0.0):
    records = []
    for i in range(n):
        arm = "adaptive" if i % 2 else "static"
        pre = 30 + (i * 7) % 40 + pre_shift
        wobble = ((i * 13) % 7 - 3)        # deterministic noise, balanced across arms
        post = 10 + 0.9 * pre + wobble + (effect_points if arm == "adaptive" else 0)
        records.append({"student": f"{cluster}{i}", "arm": arm, "pre": pre, "post": post, "minutes": 60 + i % 5,
                        "cluster": cluster, "groups": {"language": "hi" if i % 4 < 2 else "ta"}})
    return records


def test_ancova_recovers_the_effect_and_adjusts_for_the_pre_test():
    records = _class(6.0)
    # make the adaptive arm start 10 points ahead: a raw post difference would double count it
    for r in records:
        if r["arm"] == "adaptive":
            r["pre"] += 10
            r["post"] += 9
    found = estimate_effect(records)
    assert found["points"] == pytest.approx(6.0, abs=0.6)
    assert found["ci"][0] < 6.0 < found["ci"][1]


def test_report_shape_matches_the_contract():
    report = analyse_pilot(_class(5.0))
    assert set(report) >= {"design", "arms", "effect_points", "effect_size", "ci95", "verdict", "subgroups"}
    assert [a["name"] for a in report["arms"]] == ["adaptive", "static"]
    assert all(set(a) >= {"name", "n", "pre_mean", "post_mean", "minutes"} for a in report["arms"])
    assert report["verdict"] == "adaptive_ahead"
    assert {s["name"] for s in report["subgroups"]} == {"language: hi", "language: ta"}
    assert all(set(s) >= {"name", "n", "effect_size", "ci95"} for s in report["subgroups"])


def test_a_null_pilot_has_no_clear_difference():
    report = analyse_pilot(_class(0.0))
    assert report["ci95"][0] < 0 < report["ci95"][1]
    assert report["verdict"] == "no_clear_difference"


def test_too_few_students_gives_no_verdict():
    report = analyse_pilot(_class(8.0, n=10))
    assert report["verdict"] == "too_few_students"
    assert verdict_for([30, 30], 0.1, (-0.9, 1.1)) == "too_few_students"     # interval far too wide
    assert verdict_for([30, 30], None, None) == "too_few_students"


def test_pooling_two_classes_allows_for_their_different_levels():
    pooled = _class(4.0, cluster="A") + _class(4.0, cluster="B", pre_shift=0)
    for r in pooled:
        if r["cluster"] == "B":
            r["post"] += 20            # class B's post-test was easier for everyone
    found = estimate_effect(pooled)
    assert found["points"] == pytest.approx(4.0, abs=0.6)


def test_within_student_design_uses_each_students_own_difference():
    records = []
    for i in range(20):
        ability = (i * 11) % 30
        for arm, bonus in (("adaptive", 5.0), ("static", 0.0)):
            pre = 40 + ability + (i % 4 if arm == "static" else 0)
            records.append({"student": f"s{i}", "arm": arm, "pre": pre,
                            "post": 20 + ability + 0.5 * (pre - 40 - ability) + bonus + ((i * 5) % 3 - 1)})
    report = analyse_pilot(records, design="within")
    assert report["design"] == "within"
    assert report["effect_points"] == pytest.approx(5.0, abs=1.0)


def test_an_unknown_design_is_refused():
    with pytest.raises(ValueError, match="unknown design"):
        analyse_pilot(_class(1.0), design="before-after")


def test_the_interval_in_points_is_the_interval_in_sd_times_the_post_tests_sd():
    report = analyse_pilot(_class(5.0))
    lo, hi = report["ci95_points"]
    assert lo < report["effect_points"] < hi
    scale = report["effect_points"] / report["effect_size"]
    assert lo == pytest.approx(report["ci95"][0] * scale, abs=0.05)
    assert hi == pytest.approx(report["ci95"][1] * scale, abs=0.05)
