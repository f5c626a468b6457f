"""The M-step's guess, slip, difficulty step and item offsets: small concave problems solved by Newton's method.

Given the E-step's expected answers per level (given while known or unknown), guess and
slip (as logits) and the skill's difficulty step maximise the expected log-likelihood,
with the step shrunk towards its default so that thin skills keep it. Each item's own
offset (KT-IDEM style) is then a one-dimensional problem of its own answers, with a
Gaussian prior at 0 worth `ITEM_PRIOR_RESPONSES` answers: an item answered five times
stays near its level, one answered five hundred times shows its own difficulty.
"""
from __future__ import annotations

import math

from .bkt import DIFFICULTY_LOGIT_STEP, BKTParams

# Bounds keep the model identifiable: guess or slip above 0.3 lets EM swap "known" and
# "unknown" (a student who "knows" and mostly fails), and a forget above 0.1 per answer
# would describe students who lose a skill within a few items, which practice never shows.
# A difficulty step above 1 log-odds would let an easy item's guess pass its known rate.
BOUNDS = {
    "prior": (0.01, 0.99),
    "learn": (0.005, 0.6),
    "guess": (0.01, 0.3),
    "slip": (0.01, 0.3),
    "forget": (0.0005, 0.1),
    "difficulty_step": (0.0, 1.0),
}
# Shrinkage of the difficulty step towards its default, as a Gaussian prior's precision:
# worth about as much as a few dozen answers spread over the difficulty levels.
STEP_PRECISION = 20.0
# An item's offset is pulled towards its difficulty level (offset 0) by a prior worth this
# many of the skill's answers, and never leaves +-ITEM_OFFSET_LIMIT log-odds.
ITEM_PRIOR_RESPONSES = 20.0
ITEM_OFFSET_LIMIT = 3.0
def sigmoid(x: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    """Log-odds of a probability."""
    return math.log(p / (1.0 - p))


def clip(name: str, value: float) -> float:
    """`value` held inside the parameter's bounds (NaN goes to the lower bound)."""
    lo, hi = BOUNDS[name]
    return lo if value < lo or value != value else hi if value > hi else value


def maximise_guess_slip(p: BKTParams, data, right_unknown, wrong_unknown, wrong_known, right_known):
    """Guess, slip, difficulty step and item offsets maximising the expected log-likelihood (`data`: an em.StepData).

    Block coordinate ascent on a concave problem (a generalised EM step): Newton for the
    skill's three parameters with the offsets held, then each item's offset on its own.
    """
    fit_step = data.spec.items and any(d != 0 for d, _, _ in data.levels)
    lg = logit(clip("guess", p.guess))
    ls = logit(clip("slip", p.slip))
    k = p.difficulty_step if data.spec.items else 0.0
    offsets = [p.item_offset(item) for item in data.items]
    level_offset = [offsets[j] if j >= 0 else 0.0 for j in data.level_item]
    exp = math.exp  # the logistic function inlined below: these loops run per level, per Newton step, per iteration
    for _ in range(8):
        g0 = s1 = g2 = 0.0                 # gradient (logit guess, logit slip, step)
        h00 = h02 = h11 = h12 = h22 = 0.0  # Hessian (negative definite)
        for li, (d, floor, _) in enumerate(data.levels):
            b = level_offset[li]
            guess = 1.0 / (1.0 + exp(-(lg - k * d - b)))
            if guess >= floor:  # a floored level's guess does not depend on the parameters
                n = right_unknown[li] + wrong_unknown[li]
                e, c = right_unknown[li] - n * guess, n * guess * (1.0 - guess)
                g0 += e
                g2 -= d * e
                h00 -= c
                h02 += d * c
                h22 -= d * d * c
            slip = 1.0 / (1.0 + exp(-(ls + k * d + b)))
            n = wrong_known[li] + right_known[li]
            e, c = wrong_known[li] - n * slip, n * slip * (1.0 - slip)
            s1 += e
            g2 += d * e
            h11 -= c
            h12 -= d * c
            h22 -= d * d * c
        h00 -= 1e-9
        h11 -= 1e-9
        if fit_step:
            g2 -= STEP_PRECISION * (k - DIFFICULTY_LOGIT_STEP)
            h22 -= STEP_PRECISION
            dx = _solve3([[h00, 0.0, h02], [0.0, h11, h12], [h02, h12, h22]], [-g0, -s1, -g2])
        else:
            dx = [-g0 / h00, -s1 / h11, 0.0]
        # Newton steps on a log-likelihood are safe near the optimum; far from it, cap them.
        dx = [max(-2.0, min(2.0, v)) for v in dx]
        lg, ls, k = lg + dx[0], ls + dx[1], k + dx[2]
        if max(abs(v) for v in dx) < 1e-9:
            break
    if offsets:
        offsets = _m_item_offsets(data, lg, ls, k, offsets, right_unknown, wrong_unknown, wrong_known, right_known)
    return sigmoid(lg), sigmoid(ls), k, offsets


def _m_item_offsets(data, lg, ls, k, offsets, right_unknown, wrong_unknown, wrong_known, right_known):
    """Each item's offset: Newton on its own expected answers plus a Gaussian prior at 0.

    The prior's precision is ITEM_PRIOR_RESPONSES times the information one of the skill's
    answers carries about an offset, so "worth k answers" holds whatever the guess and slip.
    """
    levels_of = [[] for _ in offsets]
    information = 0.0
    for li, (d, floor, _) in enumerate(data.levels):
        guess = sigmoid(lg - k * d)
        slip = sigmoid(ls + k * d)
        if guess >= floor:
            information += (right_unknown[li] + wrong_unknown[li]) * guess * (1.0 - guess)
        information += (wrong_known[li] + right_known[li]) * slip * (1.0 - slip)
        if data.level_item[li] >= 0:
            levels_of[data.level_item[li]].append(li)
    precision = ITEM_PRIOR_RESPONSES * information / max(data.n, 1)
    exp, limit, levels_all = math.exp, ITEM_OFFSET_LIMIT, data.levels
    out = []
    for b, levels in zip(offsets, levels_of):
        for _ in range(6):
            grad, hess = -precision * b, -precision - 1e-9
            for li in levels:
                d, floor, _ = levels_all[li]
                guess = 1.0 / (1.0 + exp(-(lg - k * d - b)))
                if guess >= floor:
                    n = right_unknown[li] + wrong_unknown[li]
                    grad -= right_unknown[li] - n * guess
                    hess -= n * guess * (1.0 - guess)
                slip = 1.0 / (1.0 + exp(-(ls + k * d + b)))
                n = wrong_known[li] + right_known[li]
                grad += wrong_known[li] - n * slip
                hess -= n * slip * (1.0 - slip)
            delta = -grad / hess
            delta = 1.0 if delta > 1.0 else -1.0 if delta < -1.0 else delta
            b += delta
            b = limit if b > limit else -limit if b < -limit else b
            # Offsets are kept to a tenth of a log-odds: a millionth is converged.
            if -1e-6 < delta < 1e-6:
                break
        out.append(b)
    return out


def _solve3(a, b):
    """Solve a 3x3 linear system by Cramer's rule (the matrix is negative definite here)."""
    def det(m):
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
    full = det(a)
    if abs(full) < 1e-300:
        return [0.0, 0.0, 0.0]
    out = []
    for col in range(3):
        m = [row[:] for row in a]
        for i in range(3):
            m[i][col] = b[i]
        out.append(det(m) / full)
    return out
