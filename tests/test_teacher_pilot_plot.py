"""The pilot's plot: one line per arm with both means, a description for screen readers, nothing when empty."""
from app.teacher.pilot_plot import arms_plot

NAMES = {"adaptive": "adaptive homework", "static": "static worksheet"}


def test_each_arm_is_drawn_and_described():
    svg = str(arms_plot([{"name": "adaptive", "pre_mean": 40.0, "post_mean": 70.0},
                         {"name": "static", "pre_mean": 42.0, "post_mean": 55.0}], NAMES, "pre-test", "post-test"))
    assert 'aria-label="adaptive homework: 40 → 70; static worksheet: 42 → 55"' in svg
    assert svg.count("<circle") == 4 and "pre-test" in svg and 'stroke-dasharray="6 4"' in svg


def test_no_post_tests_no_plot_and_names_are_escaped():
    assert str(arms_plot([{"name": "adaptive", "pre_mean": 40.0, "post_mean": None}], NAMES)) == ""
    svg = str(arms_plot([{"name": "adaptive", "pre_mean": 1.0, "post_mean": 2.0}], {"adaptive": "<b>"}))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
