"""Which language a request is served in: profile first, then ?lang=, then Accept-Language."""
from __future__ import annotations

SUPPORTED_LOCALES = ("en", "hi", "ta", "bn", "mr")
DEFAULT_LOCALE = "en"


def match_locale(tag: str | None, supported=SUPPORTED_LOCALES) -> str | None:
    """The supported locale a tag names ('hi-IN' gives 'hi'), or None when none fits."""
    if not tag:
        return None
    wanted = str(tag).strip().replace("_", "-").lower()
    by_lower = {loc.lower(): loc for loc in supported}
    if wanted in by_lower:
        return by_lower[wanted]
    language = wanted.split("-")[0]
    return by_lower.get(language)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first (q=0 dropped)."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0  # a malformed weight should not outrank real ones
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def choose_locale(profile_locale=None, query_lang=None, accept_language=None,
                  supported=SUPPORTED_LOCALES) -> str:
    """Pick the locale: the user's saved choice, then ?lang=, then the browser's, then English."""
    for candidate in (profile_locale, query_lang, *parse_accept_language(accept_language)):
        chosen = match_locale(candidate, supported)
        if chosen:
            return chosen
    if DEFAULT_LOCALE in supported or not supported:
        return DEFAULT_LOCALE
    return supported[0]
