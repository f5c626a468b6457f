"""Exports for people: names, dates, skill titles and percentages in the teacher's language, a BOM, no formulas."""
from __future__ import annotations

import csv
import io
import re

from tests.teacher_fixtures import asha, db, world  # noqa: F401


def _sheet(client, url, lang="en"):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_progress_reads_as_names_skill_titles_and_percentages(asha, world, db):
    """One row per student by name; skills by title; whole percentages; dates in words; no ids, no 0.xx."""
    client, _ = asha
    rows = _sheet(client, f"/teacher/classes/{world['class']['id']}/export/people/progress.csv")
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Name", "Language", "Tier", "Sets done", "Last synced"]
    assert any(h.startswith("Adding fractions") for h in header[5:])
    assert sorted(r[0] for r in body) == ["Kiran", "Latha", "Manu", "Nisha"]
    flat = [c for r in body for c in r]
    assert not any(re.fullmatch(r"0\.\d+|1\d{9}(\.\d+)?", c) for c in flat)
    assert all(re.fullmatch(r"\d{1,3}", c) for r in body for c in r[5:] if c)
    assert any(re.fullmatch(r"\d{1,2} \w{3} \d{4}", r[4]) for r in body)
    assert "हिन्दी" in flat
    hindi = _sheet(client, f"/teacher/classes/{world['class']['id']}/export/people/progress.csv", "hi")
    assert hindi[0][0] != "Name"


def test_decisions_sheet_is_sentences_and_a_typed_formula_stays_text(asha, world, db):
    """A decision reads as a sentence with its date; a reason typed as a formula is exported as text."""
    client, token = asha
    kiran = world["students"][0]
    client.post(f"/teacher/students/{kiran['id']}/tier", data={"tier": "3", "reason": "=HYPERLINK(\"x\")",
                                                               "csrf_token": token})
    rows = _sheet(client, f"/teacher/classes/{world['class']['id']}/export/people/decisions.csv")
    assert rows[0] == ["Date", "Student", "Decision", "By", "Why"]
    row = next(r for r in rows[1:] if r[1] == "Kiran")
    assert row[2].startswith("Tier changed from") and row[4] == "'=HYPERLINK(\"x\")"
    assert client.get(f"/teacher/classes/{world['class']['id']}/export/people/secrets.csv").status_code == 404
