"""One glossary per language (content_packs/terms.yaml): every pack's glossary uses exactly its terms."""
from __future__ import annotations

from pathlib import Path

import yaml

from app.packs.yamlsource import load_yaml

CONTENT = Path(__file__).resolve().parent.parent / "content_packs"
TERMS = CONTENT / "terms.yaml"
PACKS = sorted(p for p in CONTENT.iterdir() if (p / "pack.yaml").exists())


def shared_terms() -> dict:
    """locale -> {term id -> term}, ids with dashes and underscores made the same."""
    data = yaml.safe_load(TERMS.read_text(encoding="utf-8"))
    return {loc: {key.replace("-", "_"): str(term) for key, term in terms.items()} for loc, terms in data.items()}


def mismatches(pack: Path, terms: dict) -> list:
    """file:line: what differs, for each glossary term of the pack that the shared glossary defines otherwise."""
    path = pack / "glossary.yaml"
    if not path.exists():
        return []
    found = []
    for entry in load_yaml(path, f"{pack.name}/glossary.yaml") or []:
        tid = str(entry.get("id", "")).replace("-", "_")
        term = entry.get("term")
        for loc, text in (term.items() if isinstance(term, dict) else []):
            expected = terms.get(loc, {}).get(tid)
            if expected is not None and str(text).strip() != expected:
                found.append(f"{pack.name}/glossary.yaml:{term.line_of(loc)}: '{entry['id']}' in {loc} is "
                             f"'{text}'; terms.yaml says '{expected}'")
    return found


def test_the_shared_glossary_gives_every_term_in_every_language():
    terms = shared_terms()
    assert set(terms) == {"en", "hi", "ta", "bn", "mr"}
    ids = set(terms["en"])
    assert len(ids) >= 30
    for loc, entries in terms.items():
        assert set(entries) == ids, f"{loc}: terms missing or extra: {ids ^ set(entries)}"
        assert all(t.strip() for t in entries.values()), loc


def test_every_pack_glossary_uses_the_shared_terms():
    terms = shared_terms()
    found = [line for pack in PACKS for line in mismatches(pack, terms)]
    assert found == [], "\n".join(found)


def test_a_differing_term_is_reported_at_its_line(tmp_path):
    pack = tmp_path / "demo-6"
    pack.mkdir()
    (pack / "glossary.yaml").write_text(
        "- id: denominator\n  term: {en: denominator, hi: हर}\n  definition: {en: x, hi: y}\n"
        "- id: mixed-number\n  term:\n    en: mixed number\n    hi: मिश्रित भिन्न\n  definition: {en: x, hi: y}\n",
        encoding="utf-8")
    assert mismatches(pack, shared_terms()) == [
        "demo-6/glossary.yaml:6: 'mixed-number' in en is 'mixed number'; terms.yaml says 'mixed fraction'"]
