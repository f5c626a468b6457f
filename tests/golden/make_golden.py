"""Write the golden vectors the Python and JavaScript sides are both tested against.

    .venv/bin/python tests/golden/make_golden.py          # rewrite the JSON files
    .venv/bin/python tests/golden/make_golden.py --check  # exit 1 if any file is stale

Everything here is computed by the Python implementation (the authority); the JSON is
committed, and `node --test tests/js/` checks the service worker's copies against it.
`catalog.json` is the small hand-made catalog the adaptive tests share.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import grading  # noqa: E402
from app.adaptive.bkt import BKTParams, item_guess_slip, observe, posterior_known, predict_correct, update_mastery  # noqa: E402
from app.adaptive.in_set import next_in_set  # noqa: E402
from app.adaptive.review import ReviewMemory, recall_probability  # noqa: E402
from app.adaptive.selection import next_set_for  # noqa: E402
from app.adaptive.state import replay  # noqa: E402

HERE = Path(__file__).resolve().parent
DAY = 86400
NOW = 1_767_225_600 + 30 * DAY


def _item(skill, kind, answer, difficulty=3, *, form="any", accept=(), wrong=(), choices=(),
          extension=False, seconds=60):
    return {"skill": skill, "kind": kind, "difficulty": difficulty, "seconds": seconds,
            "extension": extension, "answer": answer, "form": form, "accept": list(accept),
            "wrong": [{"answer": a, "misconception": m} for a, m in wrong], "choices": list(choices)}


def build_catalog() -> dict:
    """A small integers-and-fractions catalog with prerequisites, misconceptions and extensions."""
    skills = {
        "int_compare": ([], ["longer_is_bigger"]),
        "int_add": (["int_compare"], ["sign_ignored"]),
        "int_subtract": (["int_add"], ["subtract_negative_as_minus", "order_swapped"]),
        "frac_meaning": ([], ["bigger_denominator_bigger"]),
        "frac_equivalent": (["frac_meaning"], ["add_same_number"]),
        "frac_add": (["frac_equivalent", "int_add"], ["add_tops_and_bottoms"]),
    }
    catalog = {"skills": {s: {"prerequisites": p, "misconceptions": m, "pack": "demo-7"}
                          for s, (p, m) in skills.items()},
               "misconceptions": {}, "items": {}, "reflections": ["refl_hardest", "refl_explain", "refl_next"],
               "diagnostic": []}
    items = catalog["items"]
    for i, (a, b, d) in enumerate([(-3, -7, 1), (-12, 5, 2), (-40, -4, 3), (0, -1, 3), (-9, -90, 4)]):
        bigger = max(a, b)
        items[f"cmp{i + 1}"] = _item("int_compare", "choice", "a" if bigger == a else "b", d,
                                     choices=["a", "b"], wrong=[("b" if bigger == a else "a", "longer_is_bigger")])
    for i, (a, b, d) in enumerate([(-3, 5, 1), (-8, -4, 2), (7, -12, 3), (-15, 6, 3), (-23, -19, 4), (14, -30, 5)]):
        items[f"add{i + 1}"] = _item("int_add", "numeric", str(a + b), d,
                                     wrong=[(str(abs(a) + abs(b)) if a + b != abs(a) + abs(b) else str(a - b),
                                             "sign_ignored")])
    for i, (a, b, d) in enumerate([(5, -3, 1), (-4, -9, 2), (6, 11, 2), (-7, 8, 3), (12, -15, 4), (-20, -6, 5)]):
        wrong = [(str(a + b), "subtract_negative_as_minus")] if b < 0 else []
        wrong.append((str(b - a), "order_swapped"))
        items[f"sub{i + 1}"] = _item("int_subtract", "numeric", str(a - b), d, wrong=wrong)
    items["sub_ext"] = _item("int_subtract", "numeric", "-2", 5, extension=True, seconds=120)
    items["cmp_ext"] = _item("int_compare", "choice", "c", 5, choices=["a", "b", "c"], extension=True, seconds=90)
    for i, (num, den, d) in enumerate([(1, 2, 1), (3, 4, 2), (2, 5, 3), (5, 8, 4)]):
        items[f"fm{i + 1}"] = _item("frac_meaning", "fraction", f"{num}/{den}", d,
                                    wrong=[(f"{den}/{num}", "bigger_denominator_bigger")])
    for i, (num, den, k, d) in enumerate([(1, 2, 3, 1), (2, 3, 4, 2), (3, 5, 2, 3), (4, 7, 3, 4)]):
        items[f"feq{i + 1}"] = _item("frac_equivalent", "fraction", f"{num * k}/{den * k}", d,
                                     wrong=[(f"{num + k}/{den + k}", "add_same_number")])
    for i, (answer, wrong, d) in enumerate([("3/4", "2/6", 2), ("5/6", "2/5", 3), ("1/2", "2/8", 3),
                                            ("7/12", "2/7", 4), ("1 1/4", "6/8", 5)]):
        items[f"fadd{i + 1}"] = _item("frac_add", "fraction", answer, d, form="lowest",
                                      wrong=[(wrong, "add_tops_and_bottoms")])
    items["fadd_ext"] = _item("frac_add", "fraction", "11/12", 5, form="lowest", extension=True, seconds=150)
    catalog["misconceptions"] = {
        "longer_is_bigger": {"skill": "int_compare", "remediation": ["cmp3", "cmp5"]},
        "sign_ignored": {"skill": "int_add", "remediation": ["add2", "add5"]},
        "subtract_negative_as_minus": {"skill": "int_subtract", "remediation": ["sub1", "sub5", "sub6"]},
        "order_swapped": {"skill": "int_subtract", "remediation": ["sub3", "sub4"]},
        "bigger_denominator_bigger": {"skill": "frac_meaning", "remediation": ["fm2", "fm4"]},
        "add_same_number": {"skill": "frac_equivalent", "remediation": ["feq2", "feq3"]},
        "add_tops_and_bottoms": {"skill": "frac_add", "remediation": ["fadd1", "fadd3"]},
    }
    catalog["diagnostic"] = ["cmp2", "cmp4", "add3", "add4", "sub4", "sub5", "fm3", "feq3", "fadd2", "fadd4"]
    return catalog


GRADING_ITEMS = {
    "int": _item("s", "numeric", "-7", wrong=[("7", "sign_ignored"), ("-1", "order_swapped")]),
    "decimal": _item("s", "numeric", "0.75", accept=["3/4"], wrong=[("0.34", "digits_reversed")]),
    "frac_any": _item("s", "fraction", "3/4", wrong=[("2/6", "add_tops_and_bottoms")]),
    "frac_lowest": _item("s", "fraction", "3/4", form="lowest", wrong=[("2/6", "add_tops_and_bottoms"),
                                                                      ("4/3", "flipped")]),
    "mixed_lowest": _item("s", "fraction", "1 1/4", form="lowest", wrong=[("6/8", "add_tops_and_bottoms")]),
    "neg_frac": _item("s", "fraction", "-2/3", accept=[], wrong=[("2/3", "sign_ignored")]),
    "choice": _item("s", "choice", "b", choices=["a", "b", "c"], wrong=[("a", "longer_is_bigger")]),
    "choice_upper": _item("s", "choice", "B", choices=["A", "B"], wrong=[("A", "flipped")]),
    "big": _item("s", "numeric", "123456789012345678901234567890"),
    "as_decimal": _item("s", "numeric", "3/25", form="decimal", wrong=[("0.325", "digits_as_decimal")]),
    "as_fraction": _item("s", "fraction", "21/50", form="fraction", wrong=[("42/10", "wrong_denominator")]),
    "as_mixed": _item("s", "fraction", "9/4", form="mixed", wrong=[("2 1/2", "mixed_wrong")]),
    "rounded_wrong": _item("s", "numeric", "5", wrong=[("100/11", "inverted"), ("-23/3", "sign_ignored")]),
}

RESPONSES = [
    "-7", "−7", "– 7", "- 7", " -7 ", "7", "-1", "+7", "-07", "-7.0", "-7.", "-७", "-৭", "-௭",
    "-\u0c6d", "-\u0ced", "-\u0d6d", "-\u0b6d", "-\u0aed", "-\u0a6d", "-٧", "-۷", "－７", "-7\u200b",
    "\u00a0-7\u3000", "1,000", "0.75", ".75", "0,75", "0.750", "٠٫٧٥", "3/4", "३/४", "3 / 4", "3⁄4",
    "3∕4", "3÷4", "6/8", "9/12", "2/6", "1/3", "4/3", "3/0", "0/0", "1 1/4", "1  1/4", "5/4", "10/8",
    "1 2/8", "1 4/4", "6/8", "-2/3", "−2/3", "- 2/3", "2/3", "-4/6", "-0 2/3", "b", "B", " b ", "a",
    "A", "c", "(b)", "", "   ", "abc def", "3/4/5", "1e3", "0x10", "٣", "৩/৪", "12345678901234567890123456789012345678901",
    "123456789012345678901234567890", "1234567890123456789012345678901234567890", "-0", "+0", "0.0",
    "½", "¾", "3 /4", "3/ 4", "1 1 /4", "0.12", "3/25", "0.42", "21/50", "2 1/4", "9/4", "2.25",
    "9.09", "9.1", "9.0909", "9.2", "-7.67", "-7.66", "-7.6", "-7.7", "0.325", None,
]


def grading_vectors() -> dict:
    """Normalisation, parsing and grading cases across every item kind."""
    normalize = [{"raw": r, "expected": grading.normalize_text(r)} for r in RESPONSES]
    parse = []
    for r in RESPONSES:
        v = grading.parse_number(r)
        parse.append({"raw": r, "expected": None if v is None else grading.format_value(v),
                      "lowest": grading.is_lowest_terms(r) if r is not None else None})
    cases = []
    for name, item in GRADING_ITEMS.items():
        for r in RESPONSES:
            cases.append({"item": name, "raw": r, "expected": grading.grade_response(item, r).as_dict()})
    return {"items": GRADING_ITEMS, "normalize": normalize, "parse": parse, "grade": cases}


PARAM_SETS = [BKTParams(), BKTParams(0.1, 0.3, 0.25, 0.15, 0.0005, 0.0), BKTParams(0.5, 0.05, 0.01, 0.3, 0.1, 1.0),
              BKTParams(0.3, 0.2, 0.3, 0.01, 0.03, 0.37),
              BKTParams(0.25, 0.12, 0.18, 0.1, 0.0, 0.5, (("i1", 0.8), ("i3", -1.1), ("i4", 3.0)))]
# Item offsets for the single-step grid, taken in turn (fitted offsets are tenths of a log-odds; -0.35 is not).
GRID_OFFSETS = (0.0, 0.7, -1.3, -0.35)


def _memory(m: ReviewMemory) -> dict:
    return {"stability_days": m.stability_days, "last_review_ts": m.last_review_ts}


def bkt_vectors(catalog: dict) -> dict:
    """Single updates and predictions on a grid, the review curve, whole sequences and provisional mastery."""
    single = []
    for params in PARAM_SETS:
        for p in (0.0, 0.01, 0.2, 0.5, 0.87, 0.95, 0.999, 1.0):
            for difficulty in (1, 2, 3, 4, 5, 2.5, 0, 9):
                for choices in (0, 2, 4):
                    offset = GRID_OFFSETS[len(single) % len(GRID_OFFSETS)]
                    guess, slip = item_guess_slip(params, difficulty, choices, offset)
                    single.append({
                        "params": params.as_dict(), "p": p, "difficulty": difficulty, "choices": choices,
                        "offset": offset, "guess": guess, "slip": slip,
                        "predict": predict_correct(p, params, difficulty, choices, offset),
                        "posterior_correct": posterior_known(p, True, params, difficulty, choices, offset),
                        "posterior_wrong": posterior_known(p, False, params, difficulty, choices, offset),
                        "update_correct": update_mastery(p, True, params, difficulty, choices, offset),
                        "update_wrong": update_mastery(p, False, params, difficulty, choices, offset),
                    })
    sequences = []
    for k, params in enumerate(PARAM_SETS):
        answers = [(k * 7 + i * 3) % 5 != 0 for i in range(40)]
        difficulties = [1 + (k + i) % 5 for i in range(40)]
        choices = [(0, 0, 2, 0, 3, 4)[(k + i) % 6] for i in range(40)]
        items = [f"i{(k + i) % 5}" for i in range(40)]
        # Minutes apart within a session, then gaps of a day to a few weeks between sessions.
        times, ts = [], NOW
        for i in range(40):
            ts += (1 + (i * k) % 17) * DAY if i % 5 == 0 else 60
            times.append(ts)
        p, memory, trace = params.prior, ReviewMemory(), []
        for correct, d, c, t, item in zip(answers, difficulties, choices, times, items):
            seen = observe(p, memory, correct, params, d, c, t, params.item_offset(item))
            p, memory = seen.p_next, seen.memory
            trace.append({"predicted": seen.predicted, "mastery": seen.mastery, "p_next": seen.p_next,
                          "memory": _memory(memory), "recall_day_later": recall_probability(memory, t + DAY)})
        sequences.append({"params": params.as_dict(), "answers": answers, "difficulties": difficulties,
                          "choices": choices, "items": items, "times": times, "trace": trace})
    return {"single": single, "sequences": sequences, "provisional": provisional_vectors(catalog)}


def provisional_vectors(catalog: dict) -> list:
    """The server's mastery after a synced log, the phone's unsynced events, and the server's after both.

    The phone's provisional mastery (provisional.js) must reach the last from the first two.
    """
    fitted = {"int_compare": BKTParams(0.35, 0.2, 0.15, 0.05, 0.0, 0.3, (("cmp4", -0.4),)),
              "int_add": BKTParams(0.25, 0.12, 0.18, 0.09, 0.0, 0.8, (("add3", 0.9), ("add5", -0.6))),
              "frac_meaning": BKTParams(0.15, 0.1, 0.2, 0.12, 0.0, 0.5, (("fm2", 1.2),))}
    synced = [("shown", "cmp1", None, 0), ("answer", "cmp1", True, 0), ("shown", "add1", None, 0),
              ("answer", "add1", True, 0), ("shown", "add2", None, 0), ("answer", "add2", False, 0),
              ("answer", "add2", True, 0), ("shown", "fm1", None, 1), ("answer", "fm1", True, 1)]
    scripts = {
        "right_first_time": [("shown", "add3", None, 3), ("answer", "add3", True, 3), ("shown", "add4", None, 3),
                             ("answer", "add4", True, 3)],
        "right_after_a_hint": [("shown", "add3", None, 3), ("hint", "add3", None, 3), ("answer", "add3", True, 3)],
        "retry_after_feedback": [("shown", "add5", None, 3), ("answer", "add5", False, 3),
                                 ("answer", "add5", True, 3), ("shown", "add6", None, 3), ("answer", "add6", True, 3)],
        "two_choices": [("shown", "cmp4", None, 2), ("answer", "cmp4", True, 2), ("shown", "cmp2", None, 2),
                        ("answer", "cmp2", False, 2)],
        "weeks_offline": [("shown", "fm2", None, 20), ("answer", "fm2", True, 20), ("shown", "fm3", None, 27),
                          ("answer", "fm3", True, 27), ("shown", "add6", None, 27), ("answer", "add6", False, 27)],
        "new_skill": [("shown", "feq1", None, 4), ("answer", "feq1", True, 4), ("shown", "feq2", None, 4),
                      ("answer", "feq2", True, 4)],
        "nothing_pending": [],
    }
    cases = []
    for params_name, params in (("defaults", {}), ("fitted", fitted)):
        for name, script in scripts.items():
            server_events, phone_events, tries = [], [], {}
            for n, (kind, item, correct, day) in enumerate(synced + script):
                ts = NOW + day * DAY + n * 60
                # The phone numbers answers to an item since it was shown: 1 is the first attempt.
                tries[item] = 0 if kind == "shown" else tries.get(item, 0) + (kind == "answer")
                attempt = tries[item]
                server_events.append({"id": f"e{n}", "type": kind, "item": item, "ts": ts,
                                      "correct": correct if kind == "answer" else None,
                                      "hints": 0, "attempt": attempt if kind == "answer" else 1})
                if n >= len(synced):
                    phone = {"type": kind, "item": item, "set": "s1", "t": ts * 1000}
                    if kind == "answer":
                        phone.update(attempt=attempt, ok=1 if correct else 0)
                    if kind == "hint":
                        phone["hint"] = 1
                    phone_events.append({"event": phone})
            before = replay(server_events[:len(synced)], catalog, params)
            after = replay(server_events, catalog, params)
            cases.append({
                "name": f"{params_name}/{name}",
                "server": {skill: {"p": st.mastery, "p_next": st.p_known, "attempts": st.attempts,
                                   "params": before.params[skill].as_dict(), "review": _memory(st.review)}
                           for skill, st in before.skills.items()},
                "pending": phone_events,
                "expected": {skill: {"p": st.mastery, "p_next": st.p_known, "attempts": st.attempts}
                             for skill, st in after.skills.items()},
            })
    return cases


def _events(spec):
    """Answer events from (item, correct, misconception, day) tuples."""
    out = []
    for n, (item, correct, mc, day) in enumerate(spec):
        ts = NOW - (30 - day) * DAY + n * 60
        out.append({"id": f"e{n}", "type": "answer", "item": item, "ts": ts, "correct": correct,
                    "misconception": mc, "hints": 0, "seconds": 40.0})
    return out


def in_set_vectors(catalog: dict) -> dict:
    """Sets built by next_set_for from a few histories, with answer sequences to adapt to."""
    histories = {
        "subtract_struggle": [("cmp1", True, None, 1), ("cmp2", True, None, 1), ("cmp3", True, None, 2),
                              ("cmp4", True, None, 2), ("cmp5", True, None, 3), ("cmp1", True, None, 4),
                              ("add1", True, None, 5), ("add2", True, None, 5), ("add3", True, None, 6),
                              ("add4", True, None, 6), ("add5", True, None, 7), ("add6", True, None, 7),
                              ("add1", True, None, 8), ("add3", True, None, 9),
                              ("sub2", False, "subtract_negative_as_minus", 27),
                              ("sub6", False, "subtract_negative_as_minus", 28)],
        "fresh": [],
        "fractions": [("fm1", True, None, 20), ("fm2", False, "bigger_denominator_bigger", 21),
                      ("fm3", True, None, 22)],
    }
    sets = {}
    for name, spec in histories.items():
        state = replay(_events(spec), catalog, {})
        sets[name] = next_set_for(state, catalog, NOW, {})
    hand_set = {
        "items": [{"item": "sub2", "reason": "productive_practice"}, {"item": "sub3", "reason": "productive_practice"},
                  {"item": "sub1", "reason": "misconception_remediation"}, {"item": "add4", "reason": "spaced_review"},
                  {"item": "sub4", "reason": "prerequisite_gap"}],
        "reserve": [{"item": "sub5", "misconception": "subtract_negative_as_minus"},
                    {"item": "sub6", "misconception": "subtract_negative_as_minus"},
                    {"item": "sub3", "misconception": "order_swapped"},
                    {"item": "add2", "misconception": "sign_ignored"}],
    }
    sets["hand"] = hand_set
    answer_scripts = {
        "none": [],
        "all_right": [{"item": None, "correct": True}],
        "first_wrong_mc": [{"item": None, "correct": False, "misconception": "subtract_negative_as_minus"}],
        "repeat_mc": [{"item": None, "correct": False, "misconception": "subtract_negative_as_minus"},
                      {"item": "next", "correct": False, "misconception": "subtract_negative_as_minus"},
                      {"item": "next", "correct": False, "misconception": "subtract_negative_as_minus"}],
        "retry_same_item": [{"item": None, "correct": False, "misconception": "subtract_negative_as_minus"},
                            {"item": "same", "correct": False, "misconception": "subtract_negative_as_minus"}],
        "other_mc": [{"item": None, "correct": False, "misconception": "order_swapped"},
                     {"item": "next", "correct": True}],
        "unknown_mc": [{"item": None, "correct": False, "misconception": "no_such_thing"}],
        "skipped": [{"item": None, "skipped": True, "misconception": "subtract_negative_as_minus"},
                    {"item": "next", "correct": True}],
        "to_the_end": [{"item": None, "correct": True}, {"item": "next", "correct": True},
                       {"item": "next", "correct": True}, {"item": "next", "correct": True},
                       {"item": "next", "correct": False, "misconception": "subtract_negative_as_minus"}],
        "sign_then_fraction": [{"item": None, "correct": False, "misconception": "sign_ignored"},
                               {"item": "next", "correct": False, "misconception": "bigger_denominator_bigger"},
                               {"item": "next", "correct": True}],
    }
    cases = []
    for set_name, set_doc in sets.items():
        for script_name, script in answer_scripts.items():
            answers = []
            for step in script:
                plan = next_in_set(set_doc, answers)
                item = step["item"]
                if item is None or item == "next":
                    item = plan["next"]
                elif item == "same":
                    item = answers[-1]["item"]
                if item is None:
                    break
                answers.append({**step, "item": item})
            cases.append({"set": set_name, "script": script_name, "answers": answers,
                          "expected": next_in_set(set_doc, answers)})
            for cut in range(len(answers)):
                cases.append({"set": set_name, "script": f"{script_name}[:{cut}]", "answers": answers[:cut],
                              "expected": next_in_set(set_doc, answers[:cut])})
    cases.append({"set": "hand", "script": "one_swap_allowed", "answers": [
        {"item": "sub2", "correct": False, "misconception": "subtract_negative_as_minus"},
        {"item": "sub5", "correct": False, "misconception": "subtract_negative_as_minus"}],
        "max_swaps": 1, "expected": next_in_set(sets["hand"], [
            {"item": "sub2", "correct": False, "misconception": "subtract_negative_as_minus"},
            {"item": "sub5", "correct": False, "misconception": "subtract_negative_as_minus"}], max_swaps=1)})
    return {"sets": sets, "cases": cases}


def outputs() -> dict:
    """Every golden file's content, keyed by file name."""
    catalog = build_catalog()
    return {"catalog.json": catalog, "grading.json": grading_vectors(), "bkt.json": bkt_vectors(catalog),
            "in_set.json": in_set_vectors(catalog)}


def _dump(data) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv=None) -> int:
    """Write the golden files, or with --check report which ones differ."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for name, data in outputs().items():
        path = HERE / name
        text = _dump(data)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("stale golden files (run tests/golden/make_golden.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
