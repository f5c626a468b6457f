"""A pilot's outcomes, measured not modelled: pre-test (the diagnostic), post-test (the held-out items), minutes.

A test item counts as right only when the first answer to it, before any hint, was right; a skip or
an unanswered item of a finished test is wrong. Scores are in points out of 100. Minutes are the
time-on-task the phone reported for the items of the arm's sets. The mastery model is never asked.
"""
from __future__ import annotations

import json

from ..planning.log import sets_log
from ..planning.pilot_arm import post_test_set_id
from ..planning.replay import diagnostic_set_ids
from .analysis import ARMS, analyse_pilot


def starting_tier(score: float | None) -> str:
    """The diagnostic's result as a stratum: 1 (60 points or more), 2 (40 or more), 3, or 'none' (not taken)."""
    if score is None:
        return "none"
    return "1" if score >= 60 else "2" if score >= 40 else "3"


def first_tries(log: list, set_ids: set) -> dict:
    """{set: {item: right?}} from the first answer (or skip) to each item of those sets; a hint before it makes it wrong."""
    hinted: set = set()
    found: dict = {}
    for event in log:
        key = (event["set"], event["item"])
        if event["set"] not in set_ids or event["item"] is None:
            continue
        if event["type"] == "hint":
            hinted.add(key)
        elif event["type"] in ("answer", "skip") and event["item"] not in found.setdefault(event["set"], {}):
            found[event["set"]][event["item"]] = (event["type"] == "answer" and bool(event["correct"])
                                                 and event["attempt"] == 1 and key not in hinted)
    return found


def _points(marks: list) -> float | None:
    return 100.0 * sum(marks) / len(marks) if marks else None


def _pre(tries: dict, diagnostic: set, catalog: dict, skills) -> float | None:
    """The diagnostic's score on these skills, or on all of it when it asked nothing about them."""
    answered = [(catalog["items"].get(i, {}).get("skill"), right) for s in diagnostic for i, right in tries.get(s, {}).items()]
    on_skills = [right for skill, right in answered if skill in skills]
    return _points(on_skills) if on_skills else _points([right for _, right in answered])


def diagnostic_score(db, student_id: int, catalog: dict, skills) -> float | None:
    """The student's pre-test score (points) on the skills, from the diagnostic's first tries."""
    diagnostic = diagnostic_set_ids(db, student_id)
    if not diagnostic:
        return None
    return _pre(first_tries(sets_log(db, student_id, diagnostic), diagnostic), diagnostic, catalog, set(skills))


def student_outcomes(db, pilot: dict, student_id: int, catalog: dict) -> dict:
    """{arm: {"pre", "post", "minutes"}} for one student: one arm in the between design, both in the within."""
    diagnostic = diagnostic_set_ids(db, student_id)
    post_id = post_test_set_id(pilot["id"], student_id)
    arm_sets: dict = {arm: set() for arm in ARMS}
    for set_id, payload in db.execute("SELECT id, payload FROM sets WHERE student_id = ? AND created_at >= ?",
                                      [student_id, pilot["started_at"]]):
        doc = json.loads(payload)
        if doc.get("pilot") == pilot["id"] and doc.get("arm") in arm_sets:
            arm_sets[doc["arm"]].add(set_id)
    # Only the events of the tests and the arms' sets count: a year of other practice need not be read.
    log = sets_log(db, student_id, diagnostic.union({post_id}, *arm_sets.values()))
    tries = first_tries(log, diagnostic | {post_id})
    post_tries = tries.get(post_id, {})
    out = {}
    for arm in ARMS:
        skills = (set(pilot["skills"]) if pilot["design"] == "between"
                  else {s for s, a in pilot["skill_arms"].items() if a == arm})
        tested = [i for i in pilot["held_out"] if catalog["items"].get(i, {}).get("skill") in skills]
        finished = bool(tested) and all(i in post_tries for i in tested)
        seconds = sum(e["seconds"] for e in log if e["type"] == "time" and e["set"] in arm_sets[arm])
        out[arm] = {"pre": _pre(tries, diagnostic, catalog, skills),
                    "post": _points([post_tries[i] for i in tested]) if finished else None,
                    "minutes": seconds / 60.0}
    return out


def pilot_rows(db, pilot: dict, catalog: dict, people: list) -> list:
    """One row per student and arm taken: name, arm, pre, post, minutes, subgroup values, withdrawn or not."""
    rows = []
    for person in people:
        outcomes = student_outcomes(db, pilot, person["id"], catalog)
        arms = ARMS if person["arm"] == "both" else (person["arm"],)
        for arm in arms:
            rows.append({"student": person["id"], "name": person["name"], "arm": arm, **outcomes[arm],
                         "withdrawn": person["withdrawn_at"] is not None,
                         "groups": {"language": person["locale"], "starting_tier": person["stratum"],
                                    "group": "+".join(sorted(person["groups"])) or None}})
    return rows


def analysable(rows: list) -> list:
    """The records the analysis uses: students still in the pilot with both a pre- and a post-test."""
    return [r for r in rows if not r["withdrawn"] and r["pre"] is not None and r["post"] is not None]


def pilot_summary(db, pilot: dict, catalog: dict, people: list) -> dict:
    """The rows (for people and the CSV) and the report JSON (app/pilot/analysis.py) on the measured outcomes.

    The teacher's page, the CSV and `abhyas pilot report` all come from here, so their numbers agree.
    """
    rows = pilot_rows(db, pilot, catalog, people)
    return {"rows": rows, "report": analyse_pilot(analysable(rows), pilot["design"])}
