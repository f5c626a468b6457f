"""Roman letters for Indic text, with schwa deletion; script conversion that refuses Tamil."""
import pytest

from app.i18n.transliterate import ScriptConversionError, convert_script, to_roman


@pytest.mark.parametrize("word, simple, iso", [
    ("कमल", "kamal", "kamal"),
    ("राम", "ram", "rām"),
    ("गुणा", "guna", "guṇā"),
    ("अभ्यास", "abhyas", "abhyās"),
    ("शिक्षक", "shikshak", "śikṣak"),
    ("समझना", "samajhna", "samajhnā"),
    ("नमकीन", "namkin", "namkīn"),
    ("बदलना", "badalna", "badalnā"),
    ("कमला", "kamla", "kamlā"),
    ("दशमलव", "dashamlav", "daśamlav"),
    ("गणित", "ganit", "gaṇit"),
    ("मित्र", "mitra", "mitra"),
    ("धर्म", "dharm", "dharm"),
    ("हिंदी", "hindi", "hiṁdī"),
    ("संबंध", "sambandh", "saṁbaṁdh"),
    ("ज्ञान", "gyan", "jñān"),
    ("लड़का", "larka", "laṛkā"),
    ("न", "na", "na"),
])
def test_hindi_with_schwa_deletion(word, simple, iso):
    assert to_roman(word, "hi") == simple
    assert to_roman(word, "hi", style="iso") == iso


def test_sentence_keeps_spaces_punctuation_and_digits():
    assert to_roman("३ बटा ४ जमा १ बटा ४।", "hi") == "3 bata 4 jama 1 bata 4."


def test_marathi():
    assert to_roman("ज्ञान", "mr") == "dnyan"
    assert to_roman("अपूर्णांक भागिले", "mr") == "apurnank bhagile"


@pytest.mark.parametrize("word, simple", [
    ("কমল", "komol"), ("বাংলা", "bangla"), ("উত্তর", "uttor"), ("যোগ", "jog"),
    ("বিয়োগ", "biyog"), ("সত্য", "sotyo"), ("পড়ে", "pore"),
])
def test_bengali(word, simple):
    assert to_roman(word, "bn") == simple


@pytest.mark.parametrize("word, simple, iso", [
    ("தமிழ்", "thamizh", "tamiḻ"), ("கணக்கு", "kanakku", "kaṇakku"), ("பத்து", "paththu", "pattu"),
    ("சமம்", "samam", "camam"), ("ஒன்று", "ondru", "oṉṟu"), ("காற்று", "kaatru", "kāṟṟu"),
    ("மஞ்சள்", "manjal", "mañcaḷ"), ("அப்பா", "appa", "appā"), ("பகுதி", "pagudhi", "pakuti"),
    ("சிங்கம்", "singam", "ciṅkam"), ("பச்சை", "pacchai", "paccai"),
])
def test_tamil(word, simple, iso):
    assert to_roman(word, "ta") == simple
    assert to_roman(word, "ta", style="iso") == iso


def test_english_passes_through_and_unknown_style_fails():
    assert to_roman("3 over 4", "en") == "3 over 4"
    with pytest.raises(ValueError):
        to_roman("कमल", "hi", style="fancy")


def test_devanagari_bengali_conversion():
    assert convert_script("गणित", "hi", "bn") == "গণিত"
    assert convert_script("কমল", "bn", "hi") == "कमल"
    assert convert_script("বাংলা", "bn", "hi") == "बांला"  # ব is b, not व
    assert convert_script("मराठी", "hi", "mr") == "मराठी"


def test_nukta_letters_convert_without_leftover_marks():
    assert convert_script("বিয়োগ", "bn", "hi") == "बिय़ोग"


@pytest.mark.parametrize("source, target", [("hi", "ta"), ("ta", "bn"), ("ta", "hi")])
def test_tamil_conversion_is_refused(source, target):
    with pytest.raises(ScriptConversionError, match="Tamil"):
        convert_script("गणित", source, target)


def test_marathi_retroflex_l_has_no_bengali_letter():
    with pytest.raises(ScriptConversionError):
        convert_script("कळले", "mr", "bn")
