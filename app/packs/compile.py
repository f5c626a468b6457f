"""Turning a validated pack source into the JSON documents phones and the server read."""
from __future__ import annotations

from fractions import Fraction

from ..grading import format_value, parse_answer
from . import worked_examples
from .validate import LoadedPack


def _plain(value):
    """Strip the line-tracking containers down to plain dicts, lists and text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _text(value, locale):
    if isinstance(value, dict):
        return str(value.get(locale, ""))
    return str(value)


def meta_document(pack: LoadedPack) -> dict:
    """Locale-neutral pack facts: metadata, the skill graph, misconceptions, prompts."""
    meta = pack.source.meta
    own = [pack.skills[sid] for sid in pack.own_skill_ids]
    return {
        "pack": pack.source.pack_id,
        "version": str(meta.get("version")),
        "publisher": meta.get("publisher"),
        "licence": meta.get("licence"),
        "grades": _plain(meta.get("grades") or []),
        "title": _plain(meta.get("title")),
        "locales": _plain(meta.get("locales")),
        "requires": _plain(meta.get("requires") or []),
        "diagnostic": _plain(meta.get("diagnostic") or []),
        "skills": [{
            "id": s["id"],
            "prerequisites": _plain(s.get("prerequisites") or []),
            "worked_examples": worked_examples.meta_entries(s),
            "misconceptions": [{"id": m["id"], "remediation": _plain(m.get("remediation") or [])}
                               for m in s.get("misconceptions") or []],
        } for s in own],
        "reflections": [{"id": r["id"], "kind": r.get("kind", "text"), "options": len(r.get("options") or [])}
                        for r in pack.source.reflections],
        "glossary": [g["id"] for g in pack.source.glossary],
    }


def item_record(item) -> dict:
    """The locale-neutral part of one item: what grading and selection need."""
    kind = item["kind"]
    record = {
        "id": item["id"], "skill": item["skill"], "kind": kind,
        "difficulty": item["difficulty"], "seconds": item["seconds"],
        "extension": bool(item.get("extension", False)),
        "answer": format_value(parse_answer(str(item["answer"]), kind)),
        "form": item.get("form", "any"),
        "accept": [str(a) for a in item.get("accept") or []],
        "wrong": [{"answer": str(w["answer"]), "misconception": w["misconception"]} for w in item.get("wrong") or []],
    }
    if kind == "choice":
        record["choices"] = [str(c["key"]).lower() for c in item["choices"]]
    elif needs_slash_key(item):
        record["keypad"] = "fraction"
    if item.get("figure"):
        record["figure"] = {"kind": str(item["figure"]["kind"])}
    if item.get("template"):
        record["template"] = item["template"]
    return record


def _not_a_decimal(raw) -> bool:
    value = parse_answer(str(raw), "numeric")
    if value is None:
        return False
    denominator = Fraction(value).denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator != 1


def needs_slash_key(item) -> bool:
    """A numeric item whose answer, accepted forms or wrong answers only a fraction can write (80/3)."""
    raws = [item.get("answer")] + list(item.get("accept") or []) + [w.get("answer") for w in item.get("wrong") or []
                                                                   if isinstance(w, dict)]
    return item.get("kind") == "numeric" and any(_not_a_decimal(r) for r in raws if r is not None)


def _drawings(figure, locales) -> dict:
    """locale -> (SVG with its words as tokens, the words); drawn once per figure and build."""
    from .figure_draw import draw_figure
    cached = getattr(figure, "drawings", None)
    if cached is not None and set(cached) >= set(locales):
        return cached
    drawings = {}
    for loc in locales:
        words = []
        drawings[loc] = (draw_figure(figure, loc, None, words), words)
    try:
        figure.drawings = drawings  # asked for by the items document and by every locale's text
    except AttributeError:
        pass
    return drawings


def shared_figure_svg(block, locales) -> str | None:
    """The figure's SVG when one drawing serves every locale (its words sent per locale): stored once, in the items document."""
    figure = block.get("figure")
    if not figure:
        return None
    svgs = {svg for svg, _words in _drawings(figure, locales).values()}
    return svgs.pop() if len(svgs) == 1 else None


def figure_entry(block, locale: str, locales=None) -> dict | None:
    """A block's figure for one locale: alt text, speakable description, and its words (shared drawing) or SVG.

    The SVG carries role="img"; the phone names it with `alt` (aria-label) as it shows it and
    puts each locale's words into a shared drawing's tokens.
    """
    from ..i18n.speakable import to_speakable
    from .figure_draw import draw_figure
    figure = block.get("figure")
    if not figure:
        return None
    alt = _text(figure["alt"], locale)
    speak = _text(figure["speak"], locale) if figure.get("speak") else to_speakable(alt, locale)
    entry = {"alt": alt, "speak": speak}
    if locales and shared_figure_svg(block, locales) is not None:
        words = _drawings(figure, locales)[locale][1]
        if words:
            entry["labels"] = words
    else:
        entry["svg"] = draw_figure(figure, locale, None)
    return entry


def items_document(pack: LoadedPack) -> dict:
    """Every item of the pack, templates expanded, without text."""
    records = []
    for item in pack.items:
        record = item_record(item)
        svg = shared_figure_svg(item, pack.locales)
        if svg:
            record["figure"]["svg"] = svg
        records.append(record)
    return {"pack": pack.source.pack_id, "items": records}


def text_document(pack: LoadedPack, locale: str) -> dict:
    """All student-facing text of the pack in one locale."""
    items = {}
    for item in pack.items:
        entry = {
            "text": _text(item["text"], locale),
            "simplified": _text(item["simplified"], locale),
            "speak": _text(item["speak"], locale),
            "hints": [_text(h, locale) for h in item.get("hints") or []],
            "solution": [_text(s, locale) for s in item.get("solution") or []],
        }
        if item["kind"] == "choice":
            entry["choices"] = {str(c["key"]).lower(): _text(c["text"], locale) for c in item["choices"]}
        figure = figure_entry(item, locale, pack.locales)
        if figure:
            entry["figure"] = figure
        items[item["id"]] = entry
    own = [pack.skills[sid] for sid in pack.own_skill_ids]
    return {
        "pack": pack.source.pack_id,
        "locale": locale,
        "review": _plain(pack.source.meta["locales"].get(locale)),
        "title": _text(pack.source.meta.get("title"), locale),
        "skills": {s["id"]: _text(s["name"], locale) for s in own},
        "misconceptions": {m["id"]: {"name": _text(m["name"], locale), "feedback": _text(m["feedback"], locale)}
                           for s in own for m in s.get("misconceptions") or []},
        "items": items,
        "worked_examples": worked_examples.text_entries(pack, locale, _text, figure_entry),
        "reflections": {r["id"]: {"text": _text(r["text"], locale),
                                  "options": [_text(o, locale) for o in r.get("options") or []]}
                        for r in pack.source.reflections},
        "glossary": [{"id": g["id"], "term": _text(g["term"], locale), "definition": _text(g["definition"], locale)}
                     for g in pack.source.glossary],
    }


ROMANISABLE = ("hi", "mr", "bn", "ta")


def roman_document(text_doc: dict) -> dict:
    """The same student-facing text in Roman letters, for a 'read in Roman letters' switch."""
    from ..i18n.transliterate import to_roman
    locale = text_doc["locale"]
    roman = lambda value: to_roman(value, locale)  # noqa: E731
    return {
        "pack": text_doc["pack"], "locale": locale, "script": "roman",
        "items": {iid: {"text": roman(e["text"]), "simplified": roman(e["simplified"]),
                        "hints": [roman(h) for h in e["hints"]], "solution": [roman(s) for s in e["solution"]],
                        **({"choices": {k: roman(v) for k, v in e["choices"].items()}} if "choices" in e else {})}
                  for iid, e in text_doc["items"].items()},
        "misconceptions": {mid: {"feedback": roman(m["feedback"])} for mid, m in text_doc["misconceptions"].items()},
        "skills": {sid: roman(name) for sid, name in text_doc["skills"].items()},
        "glossary": [{"id": g["id"], "term": roman(g["term"]), "definition": roman(g["definition"])}
                     for g in text_doc["glossary"]],
        "worked_examples": {sid: [{"id": ex["id"], "problem": roman(ex["problem"]), "simplified": roman(ex["simplified"]),
                                   "steps": [roman(step) for step in ex["steps"]]} for ex in examples]
                            for sid, examples in text_doc.get("worked_examples", {}).items()},
    }
