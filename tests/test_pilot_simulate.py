"""The analysis checked against simulated pilots whose true effect is known."""
import pytest

from app.pilot.simulate import simulate_pilot


def test_at_no_effect_the_interval_covers_zero_about_95_percent_of_the_time():
    covered = sum(lo <= 0 <= hi for lo, hi in (simulate_pilot(120, 0.0, seed)["ci95"] for seed in range(20)))
    assert covered >= 17


def test_at_half_an_sd_with_200_students_the_estimate_is_unbiased():
    estimates = [simulate_pilot(200, 0.5, seed)["effect_size"] for seed in range(20)]
    assert sum(estimates) / len(estimates) == pytest.approx(0.5, abs=0.15)


def test_a_small_class_uses_the_within_student_design_and_stays_honest():
    reports = [simulate_pilot(16, 0.0, seed) for seed in range(20)]
    assert {r["design"] for r in reports} == {"within"}
    assert sum(r["ci95"][0] <= 0 <= r["ci95"][1] for r in reports) >= 17
    assert all(r["verdict"] != "adaptive_ahead" or r["ci95"][0] > 0 for r in reports)


def test_the_simulation_says_it_is_a_simulation():
    report = simulate_pilot(40, 0.3, 5)
    assert report["simulated"]["true_effect"] == 0.3
    assert "not the programme" in report["simulated"]["note"]


def test_the_command_prints_the_report_json(capsys):
    import json

    from app.cli import main
    assert main(["pilot", "simulate", "--students", "60", "--effect", "0.4", "--seed", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["design"] == "between" and len(report["arms"]) == 2
    assert main(["pilot", "simulate", "--students", "1", "--effect", "0", "--json"]) == 1
    assert "at least 2" in capsys.readouterr().err
