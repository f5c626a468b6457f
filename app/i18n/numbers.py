"""Numbers as Indian readers expect them: lakh/crore grouping and, on request, native digits."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

from babel.numbers import format_decimal

# The zero of each script's digit block; the other nine follow it in Unicode order.
NATIVE_ZERO = {"hi": 0x0966, "mr": 0x0966, "bn": 0x09E6, "ta": 0x0BE6}


def language_of(locale: str) -> str:
    """The bare language code of a tag: 'hi-IN' and 'hi_IN' give 'hi'."""
    return str(locale or "").replace("_", "-").split("-")[0].lower()


def indian_locale(locale: str) -> str:
    """The Babel locale with Indian grouping for a tag: 'en' gives 'en_IN', 'ta' gives 'ta_IN'."""
    # Plain 'en' in CLDR groups by thousands (1,234,567); Indian readers expect 12,34,567.
    return f"{language_of(locale) or 'en'}_IN"


def format_number(value, locale: str, native_digits: bool = False) -> str:
    """Format an int, Decimal or float with Indian grouping, optionally in the locale's digits."""
    if isinstance(value, int) and -1000 < value < 1000:
        text = str(value)  # nothing to group: counts on a teacher's page are mostly this small, and Babel is slow
    else:
        if isinstance(value, float):
            value = Decimal(repr(value))  # keeps 0.1 as 0.1 rather than its binary expansion
        text = format_decimal(value, locale=indian_locale(locale), decimal_quantization=False)
    return to_native_digits(text, locale) if native_digits else text


def to_native_digits(text: str, locale: str) -> str:
    """Write the ASCII digits of `text` in the locale's script (unchanged for English)."""
    zero = NATIVE_ZERO.get(language_of(locale))
    if zero is None:
        return str(text)
    return str(text).translate({ord("0") + i: chr(zero + i) for i in range(10)})


def parse_native_digits(text: str) -> str:
    """Map every decimal digit of any script (Devanagari, Bengali, Tamil, ...) to ASCII."""
    out = []
    for ch in str(text):
        digit = unicodedata.decimal(ch, None) if not ch.isascii() else None
        out.append(str(digit) if digit is not None else ch)
    return "".join(out)
