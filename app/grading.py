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

    `item` is the built item: kind, answer, form ('any' or 'lowest'), accept, wrong
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
            if item.get("form") == "lowest" and not is_lowest_terms(raw):
                return Grade(False, None, "not_simplified", normalized)
            return Grade(True, None, "correct", normalized)
    for rule in item.get("wrong", []):
        expected = str(rule["answer"]).lower() if kind == "choice" else _parsed(rule["answer"])
        if value == expected:
            return Grade(False, rule["misconception"], "misconception", normalized)
    return Grade(False, None, "wrong", normalized)
