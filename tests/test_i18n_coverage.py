"""No UI string ships untranslated: hi, ta, bn and mr cover every extracted msgid (and so the student app).

The msgids come from a fresh extraction (the same one `python -m app.i18n.catalogs update` runs), so a
string added to code, templates or app/service_worker/messages.js without translations fails here.
Fuzzy entries count as untranslated: gettext and the JSON export leave them out, so the UI shows English.
"""
from __future__ import annotations

import re

import pytest

from app.i18n.catalogs import extract_template, read_catalog

FULL = ("hi", "ta", "bn", "mr")
STUDENT_ONLY = ()  # a locale whose translators have done only the student app yet
STUDENT_SOURCES = ("app/service_worker/", "app/i18n/ui_strings.py", "app/student/")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\w*\}")


def _key(message):
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


@pytest.fixture(scope="module")
def template():
    return {_key(m): m for m in extract_template() if m.id}


def _student_msgids(template):
    return {key for key, m in template.items()
            if any(path.replace("\\", "/").startswith(STUDENT_SOURCES) for path, _ in m.locations)}


def _gaps(locale, msgids):
    catalog = read_catalog(locale)
    gaps = []
    for key in sorted(msgids):
        message = catalog.get(key)
        if message is None:
            gaps.append(f"missing {key!r}")
        elif message.fuzzy:
            gaps.append(f"fuzzy {key!r}")
        elif isinstance(message.id, (list, tuple)):
            if not isinstance(message.string, (list, tuple)) or not all(message.string):
                gaps.append(f"untranslated plural {key!r}")
        elif not message.string:
            gaps.append(f"untranslated {key!r}")
    return gaps


def test_student_sources_are_found(template):
    """The student subset is real: the worker's strings and ui_strings are both in it."""
    student = _student_msgids(template)
    assert len(student) > 60
    assert {"Sync now", "Choose an answer first.", "%(num)d answer waiting to sync"} <= student


@pytest.mark.parametrize("locale", FULL)
def test_every_msgid_is_translated(template, locale):
    assert _gaps(locale, set(template)) == []


@pytest.mark.parametrize("locale", FULL + STUDENT_ONLY)
def test_every_student_msgid_is_translated(template, locale):
    assert _gaps(locale, _student_msgids(template)) == []


@pytest.mark.parametrize("locale", FULL + STUDENT_ONLY)
def test_translations_keep_placeholders(locale):
    """%(name)s, %% and {n} survive translation, in every plural form."""
    problems = []
    for message in read_catalog(locale):
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        # The plural msgid's placeholders set what each form must carry.
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{locale}: {ids[0]!r} -> {string!r}")
    assert problems == []
