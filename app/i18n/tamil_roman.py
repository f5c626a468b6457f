"""Tamil in Roman letters: ISO 15919, or a simple spelling that follows Tamil pronunciation.

Tamil writes k/g, c/s/j, ṭ/d, t/d and p/b with one letter each; which sound is meant
follows from position (தமிழ் is "thamizh", பகல் "pagal", அம்பு "ambu"). The simple style
applies those rules so a child reads the word as it is said. indic-transliteration's Tamil
scheme maps each letter to its Sanskrit variants instead, hence this table.
"""
from __future__ import annotations

import re
import unicodedata

from .numbers import parse_native_digits

CONSONANTS = {
    "க": "k", "ங": "ṅ", "ச": "c", "ஜ": "j", "ஞ": "ñ", "ட": "ṭ", "ண": "ṇ", "த": "t",
    "ந": "n", "ன": "ṉ", "ப": "p", "ம": "m", "ய": "y", "ர": "r", "ற": "ṟ", "ல": "l",
    "ள": "ḷ", "ழ": "ḻ", "வ": "v", "ஶ": "ś", "ஷ": "ṣ", "ஸ": "s", "ஹ": "h",
}
VOWELS = {"அ": "a", "ஆ": "ā", "இ": "i", "ஈ": "ī", "உ": "u", "ஊ": "ū", "எ": "e", "ஏ": "ē",
          "ஐ": "ai", "ஒ": "o", "ஓ": "ō", "ஔ": "au"}
VOWEL_SIGNS = {"ா": "ā", "ி": "i", "ீ": "ī", "ு": "u", "ூ": "ū", "ெ": "e", "ே": "ē",
               "ை": "ai", "ொ": "o", "ோ": "ō", "ௌ": "au"}
PULLI = "\u0bcd"
AYTHAM = "ஃ"

_SIMPLE_VOWELS = {"ā": "aa", "ī": "ee", "ū": "oo", "ē": "e", "ō": "o"}
_NASALS = {"ṅ", "ñ", "ṇ", "n", "ṉ", "m"}
_SONORANTS = {"y", "r", "l", "ḻ", "ḷ", "v"}
_PLAIN = {"ṅ": "n", "ṇ": "n", "ṉ": "n", "ḻ": "zh", "ḷ": "l", "ṣ": "sh", "ś": "sh", "ṟ": "r"}
_WORD = re.compile("[\u0b80-\u0bff]+")


def to_roman(text: str, style: str = "simple") -> str:
    """Write Tamil text in Roman letters in the 'simple' or 'iso' style."""
    rendered = _WORD.sub(lambda m: _word(m.group(), style), unicodedata.normalize("NFC", str(text)))
    return parse_native_digits(rendered)


def _word(word: str, style: str) -> str:
    units = _parse(word)
    if style == "iso":
        return "".join(iso for _, iso in units)
    out = []
    for index, (kind, iso) in enumerate(units):
        prev = units[index - 1] if index else None
        nxt = units[index + 1] if index + 1 < len(units) else None
        if kind == "V":
            is_final = nxt is None
            out.append("a" if is_final and iso == "ā" else _SIMPLE_VOWELS.get(iso, iso))
        elif kind == "C":
            out.append(_simple_consonant(iso, prev, nxt))
        elif kind == "A":
            out.append("h")
        else:
            out.append(iso)
    return "".join(out)


def _parse(word: str) -> list[tuple[str, str]]:
    """Split a Tamil word into (kind, ISO) units: C consonant, V vowel, A aytham, X other."""
    units = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch in CONSONANTS:
            units.append(("C", CONSONANTS[ch]))
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if nxt == PULLI:
                i += 2
            elif nxt in VOWEL_SIGNS:
                units.append(("V", VOWEL_SIGNS[nxt]))
                i += 2
            else:
                units.append(("V", "a"))
                i += 1
        elif ch in VOWELS:
            units.append(("V", VOWELS[ch]))
            i += 1
        elif ch == AYTHAM:
            units.append(("A", "ḵ"))
            i += 1
        else:
            units.append(("X", ch))
            i += 1
    return units


def _simple_consonant(iso: str, prev, nxt) -> str:
    prev_kind, prev_iso = prev if prev else (None, None)
    nxt_iso = nxt[1] if nxt and nxt[0] == "C" else None
    doubled_second = prev_kind == "C" and prev_iso == iso
    doubled_first = nxt_iso == iso
    after_vowel = prev_kind == "V"
    after_sonorant = prev_kind == "C" and prev_iso in _SONORANTS
    soft = (after_vowel or after_sonorant) and not doubled_first
    if iso == "k":
        return "g" if not doubled_second and (soft or prev_iso == "ṅ") else "k"
    if iso == "c":
        if doubled_first:
            return "c"
        if doubled_second:
            return "ch"
        if prev_iso == "ñ":
            return "j"
        return "s" if prev is None or soft else "ch"
    if iso == "ṭ":
        return "d" if not doubled_second and (soft or prev_iso == "ṇ") else "t"
    if iso == "t":
        return "dh" if not doubled_second and ((after_vowel and not doubled_first)
                                               or prev_iso == "n") else "th"
    if iso == "p":
        return "b" if not doubled_second and ((after_vowel and not doubled_first)
                                              or prev_iso == "m") else "p"
    if iso == "ṟ":
        if doubled_first:
            return "t"  # ற்ற is said "tr": காற்று is "kaatru"
        return "dr" if prev_iso == "ṉ" else "r"  # ன்ற is "ndr": ஒன்று is "ondru"
    if iso == "ñ":
        return "n" if nxt_iso in ("c", "j") else "nj"
    return _PLAIN.get(iso, iso)
