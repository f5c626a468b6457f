"""Expanding item templates, deterministically, into items with computed answers."""
from __future__ import annotations

import hashlib
import random
import re
from fractions import Fraction

from ..grading import format_value
from .expressions import ExpressionError, evaluate
from .yamlsource import SourceList, SourceMap

TEXT_FIELDS = ("text", "simplified", "speak")
STEP_FIELDS = ("hints", "solution")
PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
MINUS = "\u2212"


class TemplateError(ValueError):
    """A template that cannot expand; `key` names the field to look at."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def display_value(value) -> str:
    """A value as a student reads it: a true minus sign, fractions as p/q."""
    return format_value(value).replace("-", MINUS)


def format_placeholder(value, style: str | None, locale: str) -> str:
    """Render one `{name:style}` placeholder for a text in `locale`."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return str(value)
    if style in (None, ""):
        return display_value(value)
    if style == "paren":
        return f"({display_value(value)})" if value < 0 else display_value(value)
    if style == "abs":
        return display_value(abs(value))
    if style == "say":
        from ..i18n.speakable import say_number
        return say_number(Fraction(value), locale)
    raise TemplateError("text", f"unknown placeholder format ':{style}'; use :paren, :abs or :say")


def fill(text: str, names: dict, locale: str) -> str:
    """Fill every placeholder of one text; unknown names raise TemplateError."""
    def replace(match):
        name, style = match.group(1), match.group(2)
        if name not in names:
            raise TemplateError("text", f"placeholder {{{name}}} names nothing; define '{name}' under params or let")
        return format_placeholder(names[name], style, locale)
    return PLACEHOLDER.sub(replace, str(text).replace("{{", "\x00").replace("}}", "\x01")).replace("\x00", "{").replace("\x01", "}")


def _fill_map(value, names):
    if isinstance(value, dict):
        out = SourceMap({loc: fill(text, names, loc) for loc, text in value.items()})
        out.file, out.line, out.key_lines = getattr(value, "file", ""), getattr(value, "line", 0), getattr(value, "key_lines", {})
        return out
    if isinstance(value, str):
        return fill(value, names, "en")
    return value


def _draw(spec, rng: random.Random, key: str):
    if not isinstance(spec, dict):
        raise TemplateError("params", f"param '{key}' needs {{range: [low, high]}} or {{choice: [...]}}")
    if "range" in spec:
        bounds = spec["range"]
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int) for b in bounds) and bounds[0] <= bounds[1]):
            raise TemplateError("params", f"param '{key}': range must be [low, high] whole numbers with low <= high")
        value = rng.randint(bounds[0], bounds[1])
    elif "choice" in spec:
        options = spec["choice"]
        if not (isinstance(options, list) and options):
            raise TemplateError("params", f"param '{key}': choice must be a non-empty list")
        value = rng.choice(options)
    else:
        raise TemplateError("params", f"param '{key}' needs range: or choice:")
    try:
        return Fraction(str(value))
    except (ValueError, TypeError):
        raise TemplateError("params", f"param '{key}': {value!r} is not a number") from None


def _seed(pack_id: str, template: dict) -> int:
    basis = f"{pack_id}/{template.get('id')}/{template.get('seed', 0)}"
    return int(hashlib.sha256(basis.encode()).hexdigest()[:16], 16)


def _values_for(template: dict, rng: random.Random):
    names = {}
    for key, spec in (template.get("params") or {}).items():
        names[key] = _draw(spec, rng, key)
        excluded = spec.get("not", []) if isinstance(spec, dict) else []
        if names[key] in [Fraction(str(x)) for x in excluded]:
            return None
    for key, expr in (template.get("let") or {}).items():
        names[key] = _evaluate("let", expr, names)
    for cond in template.get("where") or []:
        if not _evaluate("where", cond, names):
            return None
    return names


def _evaluate(key, expr, names):
    try:
        return evaluate(expr, names)
    except ExpressionError as exc:
        raise TemplateError(key, f"{key}: {exc}") from None
    except ZeroDivisionError:
        return None


def expand_template(template: dict, pack_id: str) -> list[SourceMap]:
    """Expand one template into `count` items named <id>-01, <id>-02, ...; raise TemplateError."""
    count = template.get("count")
    if not isinstance(count, int) or not 1 <= count <= 100:
        raise TemplateError("count", "count must be a whole number from 1 to 100")
    if not isinstance(template.get("answer"), (str, int)):
        raise TemplateError("answer", "a template needs answer: an expression, e.g. \"a + b\"")
    rng = random.Random(_seed(pack_id, template))
    seen, items = set(), []
    for _attempt in range(max(400, count * 60)):
        names = _values_for(template, rng)
        if names is None:
            continue
        fingerprint = tuple(sorted((k, v) for k, v in names.items() if k in (template.get("params") or {})))
        if fingerprint in seen:
            continue
        built = _instance(template, names, len(items) + 1, rng)
        if built is None:
            continue
        seen.add(fingerprint)
        items.append(built)
        if len(items) == count:
            return items
    raise TemplateError("count", f"the params allow only {len(items)} distinct items with distinct wrong answers, "
                                 f"but count is {count}; widen the ranges or lower count")


def _instance(template: dict, names: dict, number: int, rng: random.Random):
    answer = _evaluate("answer", template["answer"], names)
    if answer is None or isinstance(answer, bool):
        return None
    wrong_rules = []
    for i, rule in enumerate(template.get("wrong") or [], 1):
        if not isinstance(rule, dict) or "expr" not in rule:
            raise TemplateError("wrong", "each wrong rule needs expr: and misconception:")
        value = _evaluate("wrong", rule["expr"], names)
        if value is None or value == answer or value in [w[0] for w in wrong_rules]:
            return None  # a distractor that equals the answer would teach nothing
        wrong_rules.append((value, rule.get("misconception")))
        names[f"wrong{i}"] = value
    names["answer"] = answer
    item = SourceMap()
    item.file, item.line, item.key_lines = template.file, template.line, template.key_lines
    item["id"] = f"{template.get('id')}-{number:02d}"
    for key in ("skill", "kind", "difficulty", "seconds", "extension", "form"):
        if key in template:
            item[key] = template[key]
    item["template"] = template.get("id")
    if template.get("kind") == "choice":
        values = [answer] + [w[0] for w in wrong_rules]
        values += [_evaluate("extra", e, names) for e in template.get("extra") or []]
        if None in values or len(set(values)) != len(values):
            return None
        order = list(range(len(values)))
        rng.shuffle(order)
        keys = "abcdefgh"
        item["choices"] = [{"key": keys[pos], "text": display_value(values[idx])} for pos, idx in enumerate(order)]
        key_of = {idx: keys[pos] for pos, idx in enumerate(order)}
        item["answer"] = key_of[0]
        item["wrong"] = [{"answer": key_of[i + 1], "misconception": mc} for i, (_v, mc) in enumerate(wrong_rules)]
    else:
        item["answer"] = format_value(answer)
        item["wrong"] = [{"answer": format_value(v), "misconception": mc} for v, mc in wrong_rules]
    for key in TEXT_FIELDS:
        if key in template:
            item[key] = _fill_map(template[key], names)
    if "figure" in template:
        from .figures import fill_figure
        try:
            item["figure"] = fill_figure(template["figure"], names, fill)
        except TemplateError as exc:
            raise TemplateError("figure", f"figure: {exc}") from None
    for key in STEP_FIELDS:
        if isinstance(template.get(key), list):
            steps = SourceList(_fill_map(step, names) for step in template[key])
            steps.file, steps.line = template.file, template.line_of(key)
            steps.item_lines = getattr(template[key], "item_lines", [])
            item[key] = steps
    return item
