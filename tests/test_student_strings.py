"""Every UI string of the offline app reaches the translators: Babel extracts it from the worker's modules."""
from __future__ import annotations

import re
from pathlib import Path

from app.i18n.catalogs import extract_template

SW = Path(__file__).resolve().parents[1] / "app" / "service_worker"
CALL = re.compile(r"\b(?:_|ngettext)\(\s*\"((?:[^\"\\]|\\.)+)\"")


def worker_msgids() -> set:
    """The literal msgids passed to _() and ngettext() in the worker's modules."""
    found = set()
    for path in SW.glob("*.js"):
        found.update(CALL.findall(path.read_text(encoding="utf-8")))
    return found


def test_babel_extracts_every_string_the_worker_translates():
    """`python -m app.i18n.catalogs` (via babel.cfg) sees each msgid, so the catalogs can carry it."""
    template = extract_template()
    extracted = {m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in template if m.id}
    msgids = worker_msgids()
    assert len(msgids) > 30
    assert msgids - extracted == set()


def test_contract_names_are_translatable_strings():
    """The accessible names outside checks rely on are catalog msgids, used verbatim."""
    assert {"Class code", "PIN", "Join", "Answer", "Check", "Hint", "Next", "Sync now", "All answers synced"} <= worker_msgids()
