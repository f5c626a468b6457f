"""Display math to words that a speech engine (espeak-ng, Web Speech) reads right per locale.

Speech engines misread math: espeak-ng says "slash" for "/", drops "-" before a number in
Hindi, and reads "3/4" as a date in some voices. Packs therefore carry a `speak` text with
the symbols already turned into words; this module makes that text and finds leftovers.
Digits stay digits: every voice we ship reads them in its own language (checked with
`espeak-ng -x`), including Indian grouping and native digits.
"""
from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

SPEAKABLE_LOCALES = ("en", "hi", "ta", "bn", "mr")

# Templates use {n}/{d} for a fraction, {w}/{frac} for a mixed number, {a}/{b} for operands.
# Relations are templates because Hindi, Tamil, Bengali and Marathi put the comparison
# after both operands ("5, 7 से छोटा"), which an infix word cannot do.
# Translations are drafts for review by native-speaking teachers.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "over": "{n} over {d}", "mixed": "{w} and {frac}", "negative": "minus",
        "minus": "minus", "plus": "plus", "times": "times", "divide": "divided by",
        "equals": "equals", "lt": "{a} is less than {b}", "gt": "{a} is greater than {b}",
        "le": "{a} is less than or equal to {b}", "ge": "{a} is greater than or equal to {b}",
        "ne": "{a} is not equal to {b}", "percent": "percent", "power": "{a} to the power {b}",
        "squared": "{a} squared", "cubed": "{a} cubed", "blank": "blank",
    },
    "hi": {
        "over": "{n} बटा {d}", "mixed": "{w} पूर्ण {frac}", "negative": "ऋण",
        "minus": "घटा", "plus": "जमा", "times": "गुणा", "divide": "भाग",
        "equals": "बराबर", "lt": "{a}, {b} से छोटा", "gt": "{a}, {b} से बड़ा",
        "le": "{a}, {b} से छोटा या बराबर", "ge": "{a}, {b} से बड़ा या बराबर",
        "ne": "{a}, {b} के बराबर नहीं", "percent": "प्रतिशत", "power": "{a} की घात {b}",
        "squared": "{a} का वर्ग", "cubed": "{a} का घन", "blank": "खाली जगह",
    },
    "ta": {
        # Tamil names the denominator first: 3/4 is "நான்கில் மூன்று" (of four, three).
        "over": "{d}இல் {n}", "mixed": "{w} முழு {frac}", "negative": "மைனஸ்",
        "minus": "கழித்தல்", "plus": "கூட்டல்", "times": "பெருக்கல்", "divide": "வகுத்தல்",
        "equals": "சமம்", "lt": "{a}, {b}ஐ விடக் குறைவு", "gt": "{a}, {b}ஐ விட அதிகம்",
        "le": "{a}, {b}ஐ விடக் குறைவு அல்லது சமம்", "ge": "{a}, {b}ஐ விட அதிகம் அல்லது சமம்",
        "ne": "{a}, {b}க்குச் சமம் இல்லை", "percent": "சதவீதம்", "power": "{a} அடுக்கு {b}",
        "squared": "{a} இன் வர்க்கம்", "cubed": "{a} இன் கனம்", "blank": "கோடிட்ட இடம்",
    },
    "bn": {
        # Bengali also names the denominator first: 3/4 is "চার ভাগের তিন".
        "over": "{d} ভাগের {n}", "mixed": "{w} পূর্ণ {frac}", "negative": "ঋণাত্মক",
        "minus": "বিয়োগ", "plus": "যোগ", "times": "গুণ", "divide": "ভাগ",
        "equals": "সমান", "lt": "{a}, {b} এর চেয়ে ছোট", "gt": "{a}, {b} এর চেয়ে বড়",
        "le": "{a}, {b} এর চেয়ে ছোট বা সমান", "ge": "{a}, {b} এর চেয়ে বড় বা সমান",
        "ne": "{a}, {b} এর সমান নয়", "percent": "শতাংশ", "power": "{a} এর ঘাত {b}",
        "squared": "{a} এর বর্গ", "cubed": "{a} এর ঘন", "blank": "শূন্যস্থান",
    },
    "mr": {
        "over": "{n} भागिले {d}", "mixed": "{w} पूर्णांक {frac}", "negative": "ऋण",
        "minus": "वजा", "plus": "अधिक", "times": "गुणिले", "divide": "भागिले",
        "equals": "बरोबर", "lt": "{a}, {b} पेक्षा लहान", "gt": "{a}, {b} पेक्षा मोठा",
        "le": "{a}, {b} पेक्षा लहान किंवा बरोबर", "ge": "{a}, {b} पेक्षा मोठा किंवा बरोबर",
        "ne": "{a}, {b} च्या बरोबर नाही", "percent": "टक्के", "power": "{a} चा घात {b}",
        "squared": "{a} चा वर्ग", "cubed": "{a} चा घन", "blank": "रिकामी जागा",
    },
}

# Area and volume units: espeak-ng reads "cm²" as "c m two"; the words are each board's.
UNIT_WORDS: dict[str, dict[str, str]] = {
    "en": {"mm²": "square millimetres", "cm²": "square centimetres", "m²": "square metres",
           "km²": "square kilometres", "cm³": "cubic centimetres", "m³": "cubic metres"},
    "hi": {"mm²": "वर्ग मिलीमीटर", "cm²": "वर्ग सेंटीमीटर", "m²": "वर्ग मीटर",
           "km²": "वर्ग किलोमीटर", "cm³": "घन सेंटीमीटर", "m³": "घन मीटर"},
    "ta": {"mm²": "சதுர மில்லிமீட்டர்", "cm²": "சதுர சென்டிமீட்டர்", "m²": "சதுர மீட்டர்",
           "km²": "சதுர கிலோமீட்டர்", "cm³": "கன சென்டிமீட்டர்", "m³": "கன மீட்டர்"},
    "bn": {"mm²": "বর্গ মিলিমিটার", "cm²": "বর্গ সেন্টিমিটার", "m²": "বর্গ মিটার",
           "km²": "বর্গ কিলোমিটার", "cm³": "ঘন সেন্টিমিটার", "m³": "ঘন মিটার"},
    "mr": {"mm²": "चौरस मिलिमीटर", "cm²": "चौरस सेंटिमीटर", "m²": "चौरस मीटर",
           "km²": "चौरस किलोमीटर", "cm³": "घन सेंटिमीटर", "m³": "घन मीटर"},
}
DEGREE_WORDS = {"en": "degrees", "hi": "डिग्री", "ta": "டிகிரி", "bn": "ডিগ্রি", "mr": "अंश"}
CELSIUS_WORDS = {"en": "degrees Celsius", "hi": "डिग्री सेल्सियस", "ta": "டிகிரி செல்சியஸ்",
                 "bn": "ডিগ্রি সেলসিয়াস", "mr": "अंश सेल्सिअस"}
_CELSIUS = re.compile(r"[ \t]*°[ \t]?C(?![A-Za-z])")
_DEGREE = re.compile(r"[ \t]*°")
# A run of superscripts after a base is a power: 2⁴ -> 2^4, 10²³ -> 10^23, aᵐ -> a^m.
_SUPER_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿᵐ", "0123456789-nm")
_SUPER_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿᵐ]{2,}|[⁰¹⁴⁵⁶⁷⁸⁹ⁿᵐ]")
_UNIT = re.compile(r"(?<![A-Za-z])(mm²|cm²|km²|m²|cm³|m³)")
# Vulgar-fraction characters become p/q (a whole number before one makes a mixed number).
_VULGAR = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3"}
_VULGAR_AT = re.compile(r"(\d?)([½¼¾⅓⅔])")

_MINUS_LOOKALIKES = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\u00a0": " "})
_RELATION_KEYS = {"<": "lt", ">": "gt", "≤": "le", "≥": "ge", "≠": "ne"}

_VAR = r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])"
_NUM = r"\d+(?:\.\d+)?"
_TOKEN = rf"(?:{_NUM}|{_VAR}|[□()+\-×÷*/^%·²³])"
_OPERAND = rf"{_TOKEN}(?:[ \t]*{_TOKEN})*"
_RELATION = re.compile(rf"({_OPERAND})[ \t]*([<>≤≥≠])[ \t]*({_OPERAND})")
_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:(?:,\d{2})*,\d{3}|(?:,\d{3})+)(?!\d|,\d)")
_X_TIMES = re.compile(r"(?<=\d)[ \t]*[xX][ \t]*(?=\d)")
_BLANK_AFTER_OP = re.compile(r"(?<=[+\-×÷*/=<>≤≥≠])[ \t]*\?")
_BLANK_BEFORE_OP = re.compile(r"\?(?=[ \t]*[+\-×÷*/=<>≤≥≠])")
_UNDERSCORES = re.compile(r"_{2,}")
_MINUS = re.compile(r"-")
_BASE = rf"(?:{_NUM}|{_VAR}|\([^()]*\))"
_POWER = re.compile(rf"({_BASE})[ \t]*\^[ \t]*({_NUM}|{_VAR}|\([^()]*\))")
_SQUARED = re.compile(rf"({_BASE})[ \t]*²")
_CUBED = re.compile(rf"({_BASE})[ \t]*³")
_MIXED = re.compile(r"(?<![\d/.])(\d+)[ \t]+(\d+)[ \t]*/[ \t]*(\d+)(?![\d/]|\.\d)")
_FRACTION = re.compile(rf"(?<![\d/.])(\d+|{_VAR})[ \t]*/[ \t]*(\d+|{_VAR})(?![\d/]|\.\d)")
_BIG_ASCII_INT = re.compile(r"(?<![\d.])[0-9]{6,}(?![\d.])")

# What the pack validator reports, with the word an author should write instead.
_PROBLEM_SYMBOLS = {
    "/": "over", "×": "times", "÷": "divide", "*": "times", "+": "plus", "=": "equals",
    "<": "lt", ">": "gt", "≤": "le", "≥": "ge", "≠": "ne", "^": "power", "%": "percent",
    "−": "minus", "·": "times", "²": "squared", "³": "cubed",
}
_HYPHEN_AT_DIGIT = re.compile(r"-(?=\s?\d)|(?<=\d)\s?-")


def base_locale(locale: str) -> str:
    """Reduce 'hi-IN', 'hi_IN' or 'HI' to the speakable language code, or raise ValueError."""
    lang = str(locale or "").replace("_", "-").split("-")[0].lower()
    if lang not in WORDS:
        raise ValueError(
            f"no speakable words for locale {locale!r} (supported: {', '.join(SPEAKABLE_LOCALES)})")
    return lang


def to_speakable(text: str, locale: str) -> str:
    """Turn the math symbols in `text` into words a speech engine reads right in `locale`."""
    words = WORDS[base_locale(locale)]
    out = _normalize(str(text))
    out = _UNIT.sub(lambda m: f" {UNIT_WORDS[base_locale(locale)][m.group(1)]}", out)
    out = _SUPER_RUN.sub(lambda m: "^" + _paren_if_signed(m.group().translate(_SUPER_PLAIN)), out)
    out = _CELSIUS.sub(f" {CELSIUS_WORDS[base_locale(locale)]}", out)
    out = _DEGREE.sub(f" {DEGREE_WORDS[base_locale(locale)]}", out)
    out = _VULGAR_AT.sub(lambda m: (f"{m.group(1)} " if m.group(1) else "") + _VULGAR[m.group(2)], out)
    out = _BLANK_AFTER_OP.sub(" □", out)
    out = _BLANK_BEFORE_OP.sub("□ ", out)
    out = _UNDERSCORES.sub("□", out)
    out = _RELATION.sub(lambda m: _relation(m, words), out)
    out = re.sub(r"[<>≤≥≠]", lambda m: f" {_bare(words[_RELATION_KEYS[m.group()]])} ", out)
    out = out.replace("=", f" {words['equals']} ")
    out = _minus_to_words(out, words)
    out = out.replace("□", f" {words['blank']} ")
    out = re.sub(r"[ \t]*%", f" {words['percent']}", out)
    out = _POWER.sub(lambda m: words["power"].format(a=m.group(1), b=m.group(2)), out)
    out = _SQUARED.sub(lambda m: words["squared"].format(a=m.group(1)), out)
    out = _CUBED.sub(lambda m: words["cubed"].format(a=m.group(1)), out)
    out = _MIXED.sub(lambda m: _mixed(m, words), out)
    out = _FRACTION.sub(lambda m: words["over"].format(n=m.group(1), d=m.group(2)), out)
    for symbol in "×*·":
        out = out.replace(symbol, f" {words['times']} ")
    for symbol in "÷/":
        out = out.replace(symbol, f" {words['divide']} ")
    out = out.replace("+", f" {words['plus']} ")
    out = out.replace("^", f" {_bare(words['power'])} ")
    if words is WORDS["en"]:
        out = _BIG_ASCII_INT.sub(lambda m: indian_number_words(int(m.group())), out)
    return _tidy(out)


def say_number(value, locale: str) -> str:
    """Speakable words for an int or Fraction: 'minus 3', '3 over 4', 'ऋण 3', '4இல் 3'."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise TypeError(f"say_number takes an int or Fraction, not {type(value).__name__}")
    value = Fraction(value)
    words = WORDS[base_locale(locale)]
    magnitude = abs(value)
    if magnitude.denominator == 1:
        spoken = str(magnitude.numerator)
        if words is WORDS["en"] and magnitude.numerator >= 100_000:
            spoken = indian_number_words(magnitude.numerator)
    else:
        spoken = words["over"].format(n=magnitude.numerator, d=magnitude.denominator)
    return f"{words['negative']} {spoken}" if value < 0 else spoken


def speakable_problems(text: str, locale: str | None = None) -> list[str]:
    """Symbols in `text` that speech engines misread, each with the words to write instead."""
    problems = []
    seen = set()
    for symbol in str(text):
        if symbol in _PROBLEM_SYMBOLS and symbol not in seen:
            seen.add(symbol)
            problems.append(f"'{symbol}' (say {_hint(_PROBLEM_SYMBOLS[symbol], locale)})")
    if _HYPHEN_AT_DIGIT.search(str(text)):
        problems.append(f"'-' next to a digit (say {_hint('negative', locale)} "
                        f"for a negative number, {_hint('minus', locale)} to subtract)")
    return problems


def indian_number_words(number: int) -> str:
    """Write a big integer the Indian way for an English voice: '12 lakh 34 thousand 567'."""
    parts = []
    crore, rest = divmod(number, 10_000_000)
    lakh, rest = divmod(rest, 100_000)
    thousand, rest = divmod(rest, 1_000)
    if crore:
        # Crores above 99 are read as their own Indian number ("1 thousand crore" is spoken too).
        parts.append(f"{indian_number_words(crore) if crore >= 100_000 else crore} crore")
    if lakh:
        parts.append(f"{lakh} lakh")
    if thousand:
        parts.append(f"{thousand} thousand")
    if rest or not parts:
        parts.append(str(rest))
    return " ".join(parts)


def _paren_if_signed(exponent: str) -> str:
    return f"({exponent})" if exponent.startswith("-") else exponent


def _normalize(text: str) -> str:
    text = text.translate(_MINUS_LOOKALIKES)
    text = _GROUPED.sub(lambda m: m.group().replace(",", ""), text)
    return _X_TIMES.sub(" × ", text)


def _relation(match: re.Match, words: dict[str, str]) -> str:
    template = words[_RELATION_KEYS[match.group(2)]]
    if words is WORDS["en"] and re.search(r"\b[Ii]s\s*$", match.string[:match.start()]):
        template = template.replace(" is ", " ", 1)  # "Is 3/4 > 2/3?" must not say "is" twice
    return " " + template.format(a=match.group(1).strip(), b=match.group(3).strip()) + " "


def _mixed(match: re.Match, words: dict[str, str]) -> str:
    whole, num, den = match.groups()
    if int(num) >= int(den):
        # "3 5/4" is not a mixed number; read it as a number followed by a fraction.
        return f"{whole} " + words["over"].format(n=num, d=den)
    return words["mixed"].format(w=whole, frac=words["over"].format(n=num, d=den))


def _is_word_char(ch: str) -> bool:
    """A letter or a vowel sign (Indic vowel signs are marks, not letters, to str.isalpha)."""
    return bool(ch) and unicodedata.category(ch)[0] in "LM"


def _minus_to_words(text: str, words: dict[str, str]) -> str:
    """Say each math minus as subtraction or as a negative sign; leave word hyphens alone."""
    pieces = []
    last = 0
    for match in _MINUS.finditer(text):
        start, end = match.span()
        before = text[:start]
        after = text[end:]
        if _is_word_char(before[-1:]) and _is_word_char(after[:1]):
            continue  # a hyphenated word such as "well-known" or "कभी-कभी"
        if before[-1:].isdigit() and _is_word_char(after[:1]) and not after[:1].isascii():
            pieces.append(text[last:start] + " ")  # a case ending after a number ("7-এর"): no sign to say
            last = end
            continue
        prev = before.rstrip()
        if not after.lstrip() or not (after.lstrip()[0].isalnum() or after.lstrip()[0] in "(□.-"):
            if not (before.endswith(" ") and after.startswith(" ")):
                continue  # a dash used as punctuation
        pieces.append(text[last:start])
        key = "minus" if _ends_with_operand(prev) else "negative"
        pieces.append(f" {words[key]} ")
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _ends_with_operand(prev: str) -> bool:
    if not prev:
        return False
    last = prev[-1]
    if last.isdigit() or last in ")]□":
        return True
    # A lone Latin letter is a variable ("x - 3"); a longer word ("is -3") is not an operand.
    return bool(re.search(rf"{_VAR}$", prev))


def _bare(template: str) -> str:
    """A template's words without its placeholders, for infix use and author hints."""
    return re.sub(r"\s+", " ", re.sub(r"\{\w+\}|,", " ", template)).strip()


def _hint(key: str, locale: str | None) -> str:
    locales = [base_locale(locale)] if locale else ["en", "hi"]
    if key == "over" and locale:
        # Tamil and Bengali put the denominator first, so a bare word would mislead.
        return f"'{WORDS[locales[0]]['over'].format(n=3, d=4)}' for 3/4"
    return " / ".join(f"'{_bare(WORDS[loc][key])}'" for loc in locales)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.?!।:;])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    return text.strip()
