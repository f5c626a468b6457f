"""Answer parsing, equivalence and misconception matching.

Plain Python with no Flask import: the server's grader is the authority, and the service
worker's `grade.js` mirrors it, both checked against `tests/golden/grading.json`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

# Students type on phones in their own script: accept native digits and look-alike signs.
_DIGIT_MAP = {}
for _base in (0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
              0x0660, 0x06F0, 0xFF10):
    # Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam,
    # Arabic-Indic, Extended Arabic-Indic (Urdu), fullwidth
    for _i in range(10):
        _DIGIT_MAP[chr(_base + _i)] = str(_i)
_SIGN_MAP = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\uFE63": "-", "\uFF0D": "-",
             "\uFF0B": "+", "\u2044": "/", "\u2215": "/", "\u00F7": "/", "\uFF0F": "/",
             "\u066B": ".", ",": ""}
# Zero-width characters some keyboards insert: dropped, never read as a separator.
_INVISIBLE = re.compile("[\u200B\u200C\u200D\u2060\uFEFF]")
# Spelled out rather than \s so that Python and JavaScript agree on exactly which
# characters are spaces (their \s classes differ at the edges).
_SPACE = "[\t\n\v\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
_SPACES = re.compile(_SPACE + "+")

# [0-9], not \d: Python's \d also matches digits of scripts the map does not fold.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)$")
_FRACTION = re.compile(r"^([+-]?)([0-9]+)/([0-9]+)$")
_MIXED = re.compile(r"^([+-]?)([0-9]+) ([0-9]+)/([0-9]+)$")
_CHOICE_KEY = re.compile(r"^[a-z0-9_]{1,16}$")

MAX_RESPONSE_CHARS = 40


def normalize_text(raw: str) -> str:
    """Fold native digits, minus look-alikes and spacing into one canonical spelling."""
    if raw is None:
        return ""
    text = _INVISIBLE.sub("", str(raw))
    text = "".join(_DIGIT_MAP.get(ch, _SIGN_MAP.get(ch, ch)) for ch in text)
    text = _SPACES.sub(" ", text).strip(" ")
    text = re.sub(r" ?/ ?", "/", text)
    text = re.sub(r"^([+-]) ", r"\1", text)
    return text


def parse_number(raw: str) -> Fraction | None:
    """Parse an integer, decimal, fraction or mixed number into an exact Fraction, or None."""
    if raw is None or len(str(raw)) > MAX_RESPONSE_CHARS:
        return None
    text = normalize_text(raw)
    if _INTEGER.match(text):
        return Fraction(int(text))
    if _DECIMAL.match(text):
        return Fraction(text)
    m = _FRACTION.match(text)
    if m:
        den = int(m.group(3))
        if den == 0:
            return None
        value = Fraction(int(m.group(2)), den)
        return -value if m.group(1) == "-" else value
    m = _MIXED.match(text)
    if m:
        den = int(m.group(4))
        if den == 0:
            return None
        value = int(m.group(2)) + Fraction(int(m.group(3)), den)
        return -value if m.group(1) == "-" else value
    return None


def is_lowest_terms(raw: str) -> bool:
    """True when a typed fraction cannot be simplified further (integers count as lowest)."""
    text = normalize_text(raw)
    m = _FRACTION.match(text) or _MIXED.match(text)
    if not m:
        return parse_number(raw) is not None
    num, den = int(m.groups()[-2]), int(m.groups()[-1])
    if den == 0:
        return False
    if _MIXED.match(text) and num >= den:
        return False
    return Fraction(num, den).denominator == den


FORMS = ("any", "lowest", "decimal", "fraction", "mixed")
# The status a right value typed in the wrong form gets, per item form.
FORM_STATUS = {"decimal": "not_decimal", "fraction": "not_fraction", "mixed": "not_mixed"}


def typed_shape(raw: str) -> str | None:
    """How a response was written: 'integer', 'decimal', 'fraction', 'mixed', or None."""
    text = normalize_text(raw)
    if _INTEGER.match(text):
        return "integer"
    if _DECIMAL.match(text):
        return "decimal"
    if _FRACTION.match(text):
        return "fraction"
    if _MIXED.match(text):
        return "mixed"
    return None


def form_status(form: str | None, raw: str, value: Fraction) -> str | None:
    """Why a right value does not count yet: the item asked for another form; None when it is fine.

    'Write 3/25 as a decimal' must not accept '3/25', nor 'write 0.42 as a fraction' '0.42'.
    """
    shape = typed_shape(raw)
    whole = value.denominator == 1
    if form == "decimal" and shape in ("fraction", "mixed"):
        return "not_decimal"
    if form in ("fraction", "lowest") and shape == "decimal" and not whole:
        return "not_fraction"
    if form == "mixed" and not whole and abs(value) > 1 and shape != "mixed":
        return "not_mixed"
    if form == "lowest" and not is_lowest_terms(raw):
        return "not_simplified"
    return None


def _rounds_to(exact: Fraction, typed: Fraction, places: int) -> bool:
    """True when `typed` is `exact` rounded or cut to `places` decimals (23/3 -> 7.67 or 7.66)."""
    scale = 10 ** places
    scaled = abs(exact) * scale
    sign = -1 if exact < 0 else 1
    rounded = Fraction(sign * ((scaled + Fraction(1, 2)).__floor__()), scale)
    cut = Fraction(sign * scaled.__floor__(), scale)
    return typed in (rounded, cut)


def decimal_places(raw: str) -> int:
    """Digits after the point of a typed decimal (0 for anything else)."""
    text = normalize_text(raw)
    return len(text.split(".", 1)[1]) if _DECIMAL.match(text) else 0


def has_exact_decimal(value: Fraction) -> bool:
    """True when the value has a finite decimal (its denominator has only 2s and 5s)."""
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def parse_answer(raw: str, kind: str):
    """Parse a response for an item kind: a Fraction for numeric/fraction, a key for choice."""
    if raw is None:
        return None
    if kind == "choice":
        key = normalize_text(raw).lower()
        return key if _CHOICE_KEY.match(key) else None
    if kind in ("numeric", "fraction"):
        # A fraction typed for a numeric item is still a value; compare by value.
        return parse_number(raw)
    return None


def format_value(value) -> str:
    """The canonical spelling of an exact value: '-3', '3/4' (decimals come out as fractions)."""
    if isinstance(value, str):
        return value
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


@lru_cache(maxsize=65536)
def _parsed(raw: str):
    # Item answers repeat across thousands of responses; parse each spelling once.
    return parse_number(raw)


def _targets(answer: str, accept: tuple) -> tuple:
    return (_parsed(answer),) + tuple(_parsed(a) for a in accept)


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response."""
    correct: bool
    misconception: str | None = None
    status: str = "wrong"  # correct | wrong | misconception | unparsed | not_simplified
    normalized: str | None = None

    def as_dict(self) -> dict:
        """A JSON-ready view of the grade."""
        return {"correct": self.correct, "misconception": self.misconception,
                "status": self.status, "normalized": self.normalized}


def grade_response(item: dict, raw: str) -> Grade:
    """Grade a raw response against an item's answer, accepted forms and wrong-answer rules.

    `item` is the built item: kind, answer, form (one of FORMS), accept, wrong
    ([{answer, misconception}]).
    """
    kind = item["kind"]
    value = parse_answer(raw, kind)
    if value is None:
        return Grade(False, None, "unparsed", None)
    normalized = format_value(value)
    if kind == "choice":
        if value == str(item["answer"]).lower():
            return Grade(True, None, "correct", normalized)
    else:
        targets = _targets(item["answer"], tuple(item.get("accept", ())))
        if value in targets:
            status = form_status(item.get("form"), raw, value)
            if status:
                return Grade(False, None, status, normalized)
            return Grade(True, None, "correct", normalized)
    places = decimal_places(raw) if kind != "choice" else 0
    for rule in item.get("wrong", []):
        expected = str(rule["answer"]).lower() if kind == "choice" else _parsed(rule["answer"])
        if value == expected:
            return Grade(False, rule["misconception"], "misconception", normalized)
        # A wrong value with no exact decimal (100/11) is typed rounded (9.09): still that mistake.
        if 1 <= places <= 3 and expected is not None and not has_exact_decimal(expected) \
                and _rounds_to(expected, value, places):
            return Grade(False, rule["misconception"], "misconception", normalized)
    return Grade(False, None, "wrong", normalized)
