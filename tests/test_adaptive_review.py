"""Spaced review: recall decays, stability grows with spaced success and shrinks on failure."""
import pytest

from app.adaptive.review import DAY, ReviewMemory, due_at, is_due, recall_probability, update_review

T0 = 1_767_225_600.0


def test_never_practised_is_not_due_and_fully_recalled():
    memory = ReviewMemory()
    assert recall_probability(memory, T0) == 1.0 and due_at(memory) is None and not is_due(memory, T0)


def test_recall_falls_to_ninety_percent_after_stability_days():
    memory = ReviewMemory(stability_days=4.0, last_review_ts=T0, reviews=1)
    assert recall_probability(memory, T0) == 1.0
    assert recall_probability(memory, T0 + 4 * DAY) == pytest.approx(0.9)
    assert recall_probability(memory, T0 + 8 * DAY) < recall_probability(memory, T0 + 4 * DAY)
    assert due_at(memory, 0.9) == pytest.approx(T0 + 4 * DAY)
    assert recall_probability(memory, due_at(memory, 0.85)) == pytest.approx(0.85)


def test_spaced_success_grows_stability_more_than_cramming():
    start = update_review(ReviewMemory(), True, T0)
    crammed = update_review(start, True, T0 + 60)
    spaced = update_review(start, True, T0 + 1 * DAY)
    assert start.stability_days <= crammed.stability_days < spaced.stability_days
    assert spaced.stability_days == pytest.approx(start.stability_days * 2.5)


def test_failure_shrinks_stability_and_counts_a_lapse():
    memory = ReviewMemory(stability_days=10.0, last_review_ts=T0, reviews=3)
    failed = update_review(memory, False, T0 + 12 * DAY)
    assert failed.stability_days < memory.stability_days and failed.lapses == 1 and failed.reviews == 4


def test_intervals_lengthen_over_successful_reviews():
    memory, ts, intervals = update_review(ReviewMemory(), True, T0), T0, []
    for _ in range(5):
        next_ts = due_at(memory)
        intervals.append(next_ts - ts)
        memory, ts = update_review(memory, True, next_ts), next_ts
    assert intervals == sorted(intervals) and intervals[-1] > 10 * intervals[0]
