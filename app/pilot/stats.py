"""Small statistics for the pilot, in plain Python: least squares and t quantiles."""
from __future__ import annotations

import math

Z975 = 1.959963984540054


def t_quantile_975(df: float) -> float:
    """The 97.5th percentile of Student's t with `df` degrees of freedom (Hill's expansion)."""
    if df <= 0:
        return math.inf
    exact = {1: 12.706204736174707, 2: 4.302652729749464, 3: 3.182446305284263, 4: 2.776445105197793}
    if df in exact:
        return exact[df]
    z = Z975
    terms = (
        (z ** 3 + z) / 4,
        (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96,
        (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384,
        (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160,
    )
    return z + sum(term / df ** (i + 1) for i, term in enumerate(terms))


def _invert(matrix: list[list[float]]) -> list[list[float]] | None:
    """Gauss-Jordan inverse of a small square matrix; None when it is singular."""
    n = len(matrix)
    a = [row[:] + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        scale = a[col][col]
        a[col] = [v / scale for v in a[col]]
        for r in range(n):
            if r != col and a[r][col]:
                factor = a[r][col]
                a[r] = [v - factor * w for v, w in zip(a[r], a[col], strict=True)]
    return [row[n:] for row in a]


def least_squares(rows: list[list[float]], y: list[float]) -> dict | None:
    """Ordinary least squares: coefficients, their standard errors and the residual df.

    None when the design cannot be estimated (too few rows or collinear columns).
    """
    n, p = len(rows), len(rows[0]) if rows else 0
    if n <= p:
        return None
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(p)] for i in range(p)]
    inverse = _invert(xtx)
    if inverse is None:
        return None
    xty = [sum(r[i] * v for r, v in zip(rows, y, strict=True)) for i in range(p)]
    beta = [sum(inverse[i][j] * xty[j] for j in range(p)) for i in range(p)]
    residuals = [v - sum(b * x for b, x in zip(beta, r, strict=True)) for r, v in zip(rows, y, strict=True)]
    df = n - p
    sigma2 = sum(e * e for e in residuals) / df
    se = [math.sqrt(max(inverse[i][i] * sigma2, 0.0)) for i in range(p)]
    return {"beta": beta, "se": se, "df": df}


def mean(values) -> float | None:
    """The mean, or None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


def sd(values) -> float | None:
    """The sample standard deviation, or None below two values."""
    values = list(values)
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
