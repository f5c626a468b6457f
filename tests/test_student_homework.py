"""The phone's set logic (app/service_worker/homework.js), run in node: five by one, hints, remediation."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SW = ROOT / "app" / "service_worker"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

SCRIPT = """
import * as hw from "%(sw)s/homework.js";
const item = (id, extra = {}) => ({ id, kind: "numeric", answer: "3", accept: [], form: "any",
  wrong: [{ answer: "5", misconception: "m.add" }], ...extra });
const items = Object.fromEntries(["a", "b", "c", "d", "e", "r1", "x"].map((id) => [id, item(id)]));
const set = { id: "s1", items: ["a", "b", "c", "d", "e"].map((i) => ({ item: i, reason: "productive_practice" })),
  reserve: [{ item: "r1", misconception: "m.add", reason: "misconception_remediation" }],
  reflection: "confidence", extension: { item: "x", reason: "extension" } };
const log = [];
let t = 1_700_000_000_000;
const step = (name, [p, events, extra]) => { log.push({ name, events, stage: p.stage, current: p.current,
  pos: hw.position(p), extra: extra ?? null }); return p; };
let p = step("start", hw.startSet(set, { sample: "1.0.0" }, t));
p = step("empty", hw.check(p, items[p.current], "  ", t += 1000));
p = step("typo", hw.check(p, items[p.current], "abc", t += 1000));
p = step("misconception", hw.check(p, items[p.current], "5", t += 5000));
p = step("right", hw.check(p, items[p.current], "3", t += 5000));
p = step("again", hw.check(p, items[p.current], "3", t += 1000));
p = step("next", hw.next(p, t += 1000));
p = step("hint1", hw.hint(p, 2));
p = step("hint2", hw.hint(p, 2));
log.push({ name: "solution after last hint", value: p.items[p.current].solution });
p = step("next2", hw.next(p, t += 1000));
p = step("wrong1", hw.check(p, items[p.current], "7", t += 1000));
log.push({ name: "solution after one wrong", value: p.items[p.current].solution });
p = step("wrong2", hw.check(p, items[p.current], "8", t += 1000));
log.push({ name: "solution after two wrong", value: p.items[p.current].solution });
p = step("skip-ahead", hw.next(p, t += 1000));
p = step("skip", hw.next(p, t += 1000));
p = step("last", hw.check(p, items[p.current], "3", t += 1000));
p = step("to-reflection", hw.next(p, t += 1000));
p = step("reflect", hw.reflect(p, "2", t += 1000));
p = step("extension-done", hw.next(p, t += 1000));
log.push({ name: "summary", value: hw.summary(p), pins: p.pins, active: hw.activeSet({ progress: { s1: p }, sets: [set] }) });
console.log(JSON.stringify(log));
"""


@pytest.fixture(scope="module")
def steps():
    """Run one scripted set through homework.js and return each step's outcome by name."""
    out = subprocess.run(["node", "--input-type=module", "-e", SCRIPT % {"sw": SW.as_posix()}],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return {entry["name"]: entry for entry in json.loads(out.stdout)}


def test_a_set_starts_on_its_first_item_with_a_shown_event(steps):
    """Starting pins pack versions and shows item 1 of 5."""
    start = steps["start"]
    assert start["current"] == "a" and start["pos"] == {"n": 1, "total": 5, "finished": 0}
    assert start["events"] == [{"type": "shown", "item": "a", "set": "s1"}]
    assert steps["summary"]["pins"] == {"sample": "1.0.0"}


def test_empty_and_unparsable_answers_are_not_events(steps):
    """A blank box or letters get a nudge, never an answer event."""
    assert steps["empty"]["events"] == [] and steps["typo"]["events"] == []


def test_answers_carry_attempt_time_and_the_phones_provisional_grade(steps):
    """The misconception is named on the event; a correct retry is attempt 2; a third Check records nothing."""
    [wrong] = steps["misconception"]["events"]
    assert wrong["type"] == "answer" and wrong["r"] == "5" and wrong["mc"] == "m.add"
    assert wrong["attempt"] == 1 and wrong["ok"] == 0 and wrong["secs"] == 7
    [right] = steps["right"]["events"]
    assert right["attempt"] == 2 and right["ok"] == 1 and "mc" not in right
    assert steps["again"]["events"] == []


def test_a_detected_misconception_brings_the_remediation_item_next(steps):
    """After the misconception on item a, the reserve's r1 comes next, and the set keeps five items."""
    moved = steps["next"]
    assert [e["type"] for e in moved["events"]] == ["time", "shown"]
    assert moved["current"] == "r1" and moved["pos"]["total"] == 5


def test_hints_are_tiered_and_the_last_one_brings_the_worked_solution(steps):
    """Hint 1, then hint 2 (the last), then the solution."""
    assert steps["hint1"]["events"] == [{"type": "hint", "item": "r1", "set": "s1", "hint": 1}]
    assert steps["hint2"]["events"][0]["hint"] == 2
    assert steps["solution after last hint"]["value"] is True


def test_the_second_wrong_answer_brings_the_worked_solution(steps):
    """One wrong answer: keep trying; two: the worked solution."""
    assert steps["solution after one wrong"]["value"] is False
    assert steps["solution after two wrong"]["value"] is True


def test_leaving_an_unanswered_item_records_a_skip_and_time(steps):
    """Next on an untouched item is a skip, with time on task."""
    assert [e["type"] for e in steps["skip"]["events"]] == ["skip", "time", "shown"]


def test_reflection_then_extension_then_done(steps):
    """After five items: the reflection prompt, its event, then the optional extension, then done."""
    assert steps["to-reflection"]["stage"] == "reflection" and steps["to-reflection"]["current"] is None
    reflect = steps["reflect"]
    assert reflect["events"][0] == {"type": "reflection", "prompt": "confidence", "value": "2", "set": "s1"}
    assert reflect["stage"] == "extension" and reflect["current"] == "x"
    done = steps["extension-done"]
    assert done["stage"] == "done" and done["events"] == []  # an untouched extension is no skip
    assert steps["summary"]["active"] is None


def test_summary_counts_right_answers(steps):
    """Queue a, r1, b, c, d (r1 replaced e): a right at the first try, d right after a hint (practice); r1 and c skipped."""
    summary = steps["summary"]["value"]
    assert summary["total"] == 5 and summary["right"] == 1 and summary["practised"] == 1 and summary["hints"] == 2
