"""Which espeak-ng voice speaks each locale, and whether it is installed here."""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

# espeak-ng has no Indian English voice; its default English is clear at children's speed.
ESPEAK_VOICE = {"en": "en", "hi": "hi", "ta": "ta", "bn": "bn", "mr": "mr"}


def espeak_voice(locale: str) -> str:
    """The espeak-ng voice name for a locale ('hi-IN' gives 'hi'), or raise ValueError."""
    language = str(locale or "").replace("_", "-").split("-")[0].lower()
    if language not in ESPEAK_VOICE:
        raise ValueError(f"no espeak-ng voice configured for locale {locale!r}")
    return ESPEAK_VOICE[language]


def espeak_binary() -> str | None:
    """Path of the espeak-ng program, or None when it is not installed."""
    return shutil.which("espeak-ng")


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Language codes of the voices espeak-ng lists (empty when espeak-ng is missing)."""
    binary = espeak_binary()
    if not binary:
        return frozenset()
    listing = subprocess.run([binary, "--voices"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    languages = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 2:
            # "en-gb" also answers to "en", which is how `espeak-ng -v en` resolves.
            code = columns[1].lower()
            languages.update({code, code.split("-")[0]})
    return frozenset(languages)


def voice_available(locale: str) -> bool:
    """True when espeak-ng is installed with a voice for the locale."""
    try:
        voice = espeak_voice(locale)
    except ValueError:
        return False
    return voice in installed_languages()
