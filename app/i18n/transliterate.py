"""Indic text in Roman letters ("Read in Roman letters") and Brahmic script-to-script conversion.

Two Roman styles:
- "simple" (the default, for children): plain ASCII the way Indian names and signboards are
  spelt — कमल → kamal, राम → ram, गुणा → guna, शिक्षक → shikshak, தமிழ் → thamizh.
- "iso": ISO 15919 with diacritics — कमल → kamal, राम → rām, गुणा → guṇā — exact, for
  teachers and authors.
Letter values for Devanagari and Bengali come from indic-transliteration's ISO scheme;
what it lacks for reading aloud is schwa deletion (it writes कमल as "kamala"), done here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from indic_transliteration import sanscript

from . import tamil_roman
from .numbers import language_of, parse_native_digits

STYLES = ("simple", "iso")
_SCRIPTS = {"hi": sanscript.DEVANAGARI, "mr": sanscript.DEVANAGARI, "bn": sanscript.BENGALI,
            "ta": sanscript.TAMIL}


class ScriptConversionError(ValueError):
    """A script conversion that would not keep the text's meaning or pronunciation."""


@dataclass
class _Script:
    name: str
    vowels: range | tuple
    consonants: tuple
    nukta: str
    virama: str
    anusvara: str
    candrabindu: str
    visarga: str
    sample_consonant: str
    no_vowel_letters: str = ""


_DEVANAGARI = _Script(
    sanscript.DEVANAGARI, tuple(range(0x0904, 0x0915)) + (0x0960, 0x0961) + tuple(range(0x0972, 0x0978)),
    tuple(range(0x0915, 0x093A)) + tuple(range(0x0958, 0x0960)) + tuple(range(0x0979, 0x0980)),
    "\u093c", "\u094d", "\u0902", "\u0901", "\u0903", "क")
_BENGALI = _Script(
    sanscript.BENGALI, tuple(range(0x0985, 0x0995)) + (0x09E0, 0x09E1),
    tuple(range(0x0995, 0x09BA)) + (0x09DC, 0x09DD, 0x09DF, 0x09CE, 0x09F0, 0x09F1),
    "\u09bc", "\u09cd", "\u0982", "\u0981", "\u0983", "ক", no_vowel_letters="\u09ce")

# Bengali ব is "b" in speech; the Sanskrit-based scheme writes "v". Nukta letters need
# their own values because the scheme passes the nukta sign through unconverted.
_OVERRIDES = {
    "bn": {"ব": "b", "ড\u09bc": "ṛ", "ঢ\u09bc": "ṛh", "য\u09bc": "ẏ", "ৎ": "t", "ৰ": "r", "ৱ": "v"},
}
_SIMPLE_CONSONANTS = {
    "c": "ch", "ch": "chh", "ṅ": "n", "ñ": "n", "ṭ": "t", "ṭh": "th", "ḍ": "d", "ḍh": "dh",
    "ṇ": "n", "ś": "sh", "ṣ": "sh", "ḷ": "l", "ḻ": "zh", "ṛ": "r", "ṛh": "rh", "k͟h": "kh",
    "ġ": "gh", "ẏ": "y",
}
_SIMPLE_VOWELS = {
    "ā": "a", "ī": "i", "ū": "u", "r̥": "ri", "r̥̄": "ri", "l̥": "lri", "ē": "e", "ō": "o",
    "ô": "o", "ê": "e", "æ": "e",
}
# Bengali's inherent vowel is an "o" (কমল is "komol") and আ is plain "a" (বাংলা is "bangla").
_SIMPLE_VOWELS_BN = {**_SIMPLE_VOWELS, "a": "o", "ā": "a", "ai": "oi", "au": "ou"}
_LABIALS = {"p", "ph", "b", "bh", "m"}
_SEMIVOWELS = {"y", "r", "l", "v"}
_JNA_SIMPLE = {"hi": "gy", "mr": "dny", "bn": "gy"}


@dataclass
class _Unit:
    kind: str  # C consonant, V vowel, N anusvara, M candrabindu, H visarga, X other
    iso: str
    schwa: bool = False
    deleted: bool = False
    letter: str = ""


def to_roman(text: str, locale: str, style: str = "simple") -> str:
    """Write Hindi, Marathi, Bengali or Tamil text in Roman letters, with Hindi schwa deletion."""
    if style not in STYLES:
        raise ValueError(f"unknown Roman style {style!r} (choose from {', '.join(STYLES)})")
    lang = language_of(locale)
    if lang == "en":
        return str(text)
    if lang == "ta":
        return tamil_roman.to_roman(text, style)
    if lang not in ("hi", "mr", "bn"):
        raise ValueError(f"no Roman transliteration for locale {locale!r}")
    script = _BENGALI if lang == "bn" else _DEVANAGARI
    word = _word_pattern(script)
    rendered = word.sub(lambda m: _render_word_once(m.group(), script.name, lang, style), str(text))
    return parse_native_digits(rendered).replace("॥", ".").replace("।", ".")


def convert_script(text: str, from_locale: str, to_locale: str) -> str:
    """Rewrite text between Devanagari (hi, mr) and Bengali (bn) letters; Tamil is refused."""
    source, target = language_of(from_locale), language_of(to_locale)
    for lang in (source, target):
        if lang == "ta":
            raise ScriptConversionError(
                "Tamil script has no letters for voiced or aspirated consonants "
                "(क ख ग घ are all க), so conversion to or from Tamil changes the words; "
                "write the Tamil text directly")
        if lang not in _SCRIPTS:
            raise ScriptConversionError(f"no Brahmic script for locale {lang!r}")
    if _SCRIPTS[source] == _SCRIPTS[target]:
        return str(text)
    text = unicodedata.normalize("NFC", str(text))
    if target == "bn" and "ळ" in text:
        raise ScriptConversionError("Marathi ळ has no Bengali letter; write the Bengali text directly")
    converted = sanscript.transliterate(text, _SCRIPTS[source], _SCRIPTS[target])
    # The scheme converts letters but passes a decomposed nukta (য় is য + ়) through as is.
    nukta = {"bn": _BENGALI.nukta, "hi": _DEVANAGARI.nukta, "mr": _DEVANAGARI.nukta}
    converted = converted.replace(nukta[source], nukta[target])
    if source == "bn":
        # Spoken Bengali ব is "b": a standalone ব must become ब, not व.
        converted = re.sub(r"(?<!\u094d)व", "ब", converted)
    block = _word_pattern(_BENGALI if source == "bn" else _DEVANAGARI)
    # The danda and double danda (U+0964, U+0965) belong to every Brahmic script: not leftovers.
    leftover = block.search(converted.replace("\u0964", "").replace("\u0965", ""))
    if leftover:
        raise ScriptConversionError(
            f"{leftover.group()!r} has no equivalent in the {target} script; write that text directly")
    return converted


def _delete_schwas(units: list[_Unit], lang: str) -> None:
    """Mark the inherent vowels a Hindi/Marathi (or, word-finally, Bengali) speaker drops."""
    seq = [u for u in units if u.kind in "CVN"]
    vowels = [u for u in seq if u.kind == "V"]
    if len(vowels) >= 2 and seq[-1].kind == "V" and seq[-1].schwa:
        cluster = []
        for unit in reversed(seq[:-1]):
            if unit.kind == "V":
                break
            cluster.append(unit)
        if lang == "bn":
            keep = len(cluster) >= 2  # সত্য, পদ্ম keep their final vowel
        else:
            # मित्र, वाक्य, शुक्ल keep it; धर्म, शब्द drop it.
            keep = len(cluster) >= 2 and cluster[0].iso in _SEMIVOWELS
        seq[-1].deleted = not keep
    if lang == "bn":
        return  # Bengali medial deletion depends on morphology; left for a later pass
    live = [u for u in seq if not u.deleted]
    # Right to left, as in Narasimhan et al. (2004): delete a schwa in V C _ C V.
    for i in range(len(live) - 3, 1, -1):
        unit = live[i]
        if (unit.kind == "V" and unit.schwa and live[i - 1].kind == "C"
                and live[i - 2].kind == "V" and live[i + 1].kind in "CN"
                and live[i + 2].kind == "V"):
            unit.deleted = True
            del live[i]


def _word_pattern(script: _Script) -> re.Pattern:
    start = chr(script.vowels[0] & 0xFF80)
    return re.compile(f"[{start}-{chr(ord(start) + 0x7F)}]+")


@lru_cache(maxsize=200_000)
def _render_word_once(word: str, script_name: str, lang: str, style: str) -> str:
    # A pack repeats its words thousands of times across items and locales' documents: spell each once.
    script = _DEVANAGARI if script_name == _DEVANAGARI.name else _BENGALI
    return _render_word(word, script, lang, style)


def _render_word(word: str, script: _Script, lang: str, style: str) -> str:
    units = _parse(unicodedata.normalize("NFC", word), script, lang)
    _delete_schwas(units, lang)
    return _render(units, lang, style)


def _parse(word: str, script: _Script, lang: str) -> list[_Unit]:
    units = []
    i = 0
    while i < len(word):
        ch = word[i]
        code = ord(ch)
        if code in script.consonants:
            letter = ch
            if i + 1 < len(word) and word[i + 1] == script.nukta:
                letter += script.nukta
                i += 1
            units.append(_Unit("C", _consonant_iso(letter, script, lang), letter=letter))
            i += 1
            if ch in script.no_vowel_letters:
                continue
            nxt = word[i] if i < len(word) else ""
            if nxt == script.virama:
                i += 1
            elif nxt and unicodedata.category(nxt) in ("Mn", "Mc") and nxt not in (
                    script.anusvara, script.candrabindu, script.visarga, script.nukta):
                units.append(_Unit("V", _vowel_sign_iso(nxt, script)))
                i += 1
            else:
                units.append(_Unit("V", "a", schwa=True))
        elif code in script.vowels:
            units.append(_Unit("V", sanscript.transliterate(ch, script.name, sanscript.ISO)))
            i += 1
        elif ch == script.anusvara:
            units.append(_Unit("N", "ṁ"))
            i += 1
        elif ch == script.candrabindu:
            units.append(_Unit("M", "m̐"))
            i += 1
        elif ch == script.visarga:
            units.append(_Unit("H", "ḥ"))
            i += 1
        else:
            if ch not in ("\u200c", "\u200d", script.nukta):
                units.append(_Unit("X", ch))
            i += 1
    return units


def _consonant_iso(letter: str, script: _Script, lang: str) -> str:
    override = _OVERRIDES.get(lang, {}).get(letter)
    if override:
        return override
    return sanscript.transliterate(letter + script.virama, script.name, sanscript.ISO)


def _vowel_sign_iso(sign: str, script: _Script) -> str:
    consonant_iso = sanscript.transliterate(script.sample_consonant + script.virama,
                                            script.name, sanscript.ISO)
    roman = sanscript.transliterate(script.sample_consonant + sign, script.name, sanscript.ISO)
    return roman[len(consonant_iso):]


def _render(units: list[_Unit], lang: str, style: str) -> str:
    out = []
    live = [u for u in units if not u.deleted]
    for index, unit in enumerate(live):
        prev = live[index - 1] if index else None
        nxt = live[index + 1] if index + 1 < len(live) else None
        if style == "iso":
            out.append(unit.iso)
        elif unit.kind == "C":
            out.append(_simple_consonant(unit, prev, nxt, lang))
        elif unit.kind == "V":
            table = _SIMPLE_VOWELS_BN if lang == "bn" else _SIMPLE_VOWELS
            out.append(table.get(unit.iso, unit.iso))
        elif unit.kind == "N":
            if lang == "bn":
                out.append("ng")
            else:
                out.append("m" if nxt is not None and nxt.kind == "C" and nxt.iso in _LABIALS else "n")
        elif unit.kind == "M":
            out.append("n")
        elif unit.kind == "H":
            out.append("h")
        else:
            out.append(unit.iso)
    return "".join(out)


def _simple_consonant(unit: _Unit, prev: _Unit | None, nxt: _Unit | None, lang: str) -> str:
    if unit.iso == "j" and nxt is not None and nxt.kind == "C" and nxt.iso == "ñ":
        return _JNA_SIMPLE.get(lang, "gy")
    if unit.iso == "ñ" and prev is not None and prev.kind == "C" and prev.iso == "j":
        return ""  # already written as part of ज्ञ
    if lang == "bn" and unit.letter == "য":
        # Bengali য is "j" at a word's start or after a vowel, and silent-ish "y" in clusters.
        return "y" if prev is not None and prev.kind == "C" else "j"
    return _SIMPLE_CONSONANTS.get(unit.iso, unit.iso)
