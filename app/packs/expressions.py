"""A tiny, safe arithmetic language for item templates: exact fractions, no side effects."""
from __future__ import annotations

import ast
import math
import operator
from fractions import Fraction


class ExpressionError(ValueError):
    """An expression that cannot be evaluated, with a reason an author can act on."""


def _frac(p, q):
    if Fraction(q) == 0:
        raise ExpressionError("frac(p, q) with q = 0: the bottom of a fraction cannot be 0")
    return Fraction(p) / Fraction(q)


def _whole(name, fn):
    def call(*args):
        if any(Fraction(a).denominator != 1 for a in args):
            raise ExpressionError(f"{name}() takes whole numbers")
        return fn(*(int(a) for a in args))
    return call


FUNCTIONS = {
    "frac": _frac,
    "lcm": _whole("lcm", math.lcm),
    "gcd": _whole("gcd", math.gcd),
    "abs": abs,
    "min": min,
    "max": max,
    "floor": lambda x: Fraction(math.floor(x)),
    "ceil": lambda x: Fraction(math.ceil(x)),
}

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: None, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: None,
}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}


def evaluate(expression: str, names: dict):
    """Evaluate a template expression with exact arithmetic; raise ExpressionError if unsafe or wrong."""
    if not isinstance(expression, (str, int)):
        raise ExpressionError("an expression must be text, e.g. \"a + b\"")
    try:
        tree = ast.parse(str(expression), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read the expression {expression!r}: {exc.msg}") from None
    return _eval(tree.body, names)


def _eval(node, names):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return node.value
        if isinstance(node.value, (int, float)):
            return Fraction(str(node.value)) if isinstance(node.value, float) else Fraction(node.value)
        raise ExpressionError(f"only numbers are allowed, not {node.value!r}")
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise ExpressionError(f"unknown name '{node.id}'; define it under params or let")
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, names)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
        if isinstance(node.op, ast.Not):
            return not value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left, names), _eval(node.right, names)
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise ExpressionError("division by 0")
            return Fraction(left) / Fraction(right)
        if isinstance(node.op, ast.Pow):
            if Fraction(right).denominator != 1 or abs(right) > 12:
                raise ExpressionError("powers must be whole numbers up to 12")
            return Fraction(left) ** int(right)
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
            raise ExpressionError("division by 0")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, names) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators):
            if type(op) not in _COMPARE:
                raise ExpressionError("only == != < <= > >= comparisons are allowed")
            right = _eval(comparator, names)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, names) else node.orelse, names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise ExpressionError(f"unknown function '{node.func.id}'; use one of {', '.join(sorted(FUNCTIONS))}")
        try:
            return fn(*[_eval(arg, names) for arg in node.args])
        except TypeError:
            raise ExpressionError(f"{node.func.id}() got the wrong number of values") from None
    raise ExpressionError(f"'{ast.unparse(node)}' is not allowed in a template expression")
