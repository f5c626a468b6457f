"""Least squares and t quantiles, against values worked out by hand and from tables."""
import pytest

from app.pilot.stats import least_squares, sd, t_quantile_975


@pytest.mark.parametrize("df, table", [(3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)])
def test_t_quantile_matches_the_table(df, table):
    assert t_quantile_975(df) == pytest.approx(table, abs=2e-3)


def test_least_squares_recovers_an_exact_line():
    rows = [[1.0, x] for x in range(6)]
    fit = least_squares(rows, [3 + 2 * x for x in range(6)])
    assert fit["beta"] == pytest.approx([3, 2])
    assert fit["se"] == pytest.approx([0, 0], abs=1e-9)
    assert fit["df"] == 4


def test_least_squares_standard_error_of_a_slope():
    # y = x + e with residuals +1, -1, -1, +1: slope 1, sigma^2 = 4/2, Sxx = 5 -> se = sqrt(0.4)
    rows = [[1.0, x] for x in range(4)]
    fit = least_squares(rows, [0 + 1, 1 - 1, 2 - 1, 3 + 1])
    assert fit["beta"][1] == pytest.approx(1.0)
    assert fit["se"][1] == pytest.approx((2 / 5) ** 0.5)


def test_collinear_or_too_few_rows_cannot_be_estimated():
    assert least_squares([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], [1, 2, 3]) is None
    assert least_squares([[1.0, 2.0]], [1.0]) is None
    assert sd([5]) is None
