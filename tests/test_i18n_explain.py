"""The engine's explanations in the teacher's language: why-lines, tier reasons and flag signals.

The engine (no Flask) gives a code with parameters, no words; app/i18n/explain.py renders the
code through the catalog, with skill and misconception names from the pack's text in the
teacher's language (English for the lines a set keeps), and falls back to a stored line for a
code it does not know.
"""
from __future__ import annotations

import json
import time

import pytest
from markupsafe import escape

from app.adaptive.diagnostic import diagnostic_set
from app.adaptive.selection import next_set_for
from app.adaptive.signals import behaviour_signals
from app.db import write
from app.i18n.explain import signal_lines, tier_line, why_line, with_english_lines
from tests.teacher_fixtures import asha, db, world  # noqa: F401
from tests.test_adaptive_selection import CATALOG, NOW, Log

DAY = 86400
HI_NAMES = {"skills": {"sample.add": "भिन्नों का जोड़", "sample.equivalent": "तुल्य भिन्न"},
            "misconceptions": {"sample.add_across": "अंश और हर दोनों जोड़ता है"}}
ADD_ACROSS = "अंश और हर दोनों जोड़ता है"


@pytest.fixture
def in_locale(app):
    """Run the explain functions inside a request in the given language."""
    def enter(locale):
        ctx = app.test_request_context("/teacher", headers={"Accept-Language": locale})
        ctx.push()
        entered.append(ctx)
    entered = []
    yield enter
    for ctx in reversed(entered):
        ctx.pop()


def entry(reason, skill="sample.add", **args):
    mc = args.pop("misconception", None)
    out = {"item": "x", "skill": skill, "reason": reason, "why": "English line", "why_args": args}
    if mc:
        out["misconception"] = mc
    return out


def test_why_lines_in_hindi_name_the_skill_and_mistake_in_hindi(in_locale):
    in_locale("hi")
    mc = {"misconception": "sample.add_across"}
    assert why_line(entry("misconception_remediation", seen=3, **mc), HI_NAMES) == (
        f"गलती “{ADD_ACROSS}” 3 बार दिखी: यह प्रश्न भिन्नों का जोड़ का अभ्यास कराता है")
    assert why_line(entry("misconception_remediation", seen=2, **mc), HI_NAMES).startswith(
        f"गलती “{ADD_ACROSS}” दो बार दिखी")
    assert why_line(entry("misconception_remediation", reserve=True, **mc), HI_NAMES).startswith(
        f"गलती “{ADD_ACROSS}” के बाद बदलकर रखा गया")
    assert why_line(entry("productive_practice", zone="within"), HI_NAMES) == (
        "भिन्नों का जोड़ में आपके लिए बिल्कुल सही: थोड़ा कठिन, पर पहुँच में")
    assert why_line(entry("productive_practice", zone="below"), HI_NAMES).startswith("भिन्नों का जोड़ में अगला कदम")
    assert why_line(entry("prerequisite_gap", skill="sample.equivalent", before="sample.add"), HI_NAMES) == (
        "तुल्य भिन्न, भिन्नों का जोड़ से पहले आता है: पहले इसे मज़बूत करना")
    assert why_line(entry("spaced_review", days=4), HI_NAMES) == (
        "आपने 4 दिन पहले भिन्नों का जोड़ सीख लिया: छोटा-सा दोहराव इसे ताज़ा रखता है")
    assert why_line(entry("spaced_review", days=1), HI_NAMES).startswith("आपने कल भिन्नों का जोड़")
    assert why_line(entry("extension"), HI_NAMES) == "एक चुनौती: आप भिन्नों का जोड़ में आगे हैं"
    assert why_line(entry("diagnostic"), HI_NAMES) == "आप पहले से क्या जानते हैं, उसकी एक छोटी जाँच"
    assert why_line(entry("teacher"), HI_NAMES) == "आपके शिक्षक ने यह प्रश्न आपके लिए चुना"


def test_tier_reasons_and_signals_in_tamil(in_locale):
    in_locale("ta")
    assert tier_line({"tier_code": "misconceptions_persist", "tier_args": {"count": 2},
                      "tier_why": "2 misconceptions keep coming back"}) == (
        "2 தவறான புரிதல்கள் மீண்டும் மீண்டும் வருகின்றன")
    assert tier_line({"tier_code": "low_mastery", "tier_args": {"mean": 0.25}}) == (
        "இதுவரை பயிற்சி செய்த திறன்களில் சராசரித் தேர்ச்சி 0.25")
    assert tier_line({"tier_code": "diagnostic", "tier_args": {}}) == "ஒரு சிறிய கண்டறிதல் சோதனையுடன் தொடக்கம்"
    flag = {"flag": "struggling", "signals": ["7 wrong answers in a row", "6 of 9 items wrong at the first try"],
            "signal_codes": [{"code": "wrong_streak", "n": 7}, {"code": "wrong_first", "n": 6, "total": 9}]}
    assert signal_lines(flag) == ["தொடர்ந்து 7 தவறான விடைகள்", "9 இல் 6 கேள்விகள் முதல் முயற்சியில் தவறு"]
    one_day = {"signals": ["last synced 1 days ago"], "signal_codes": [{"code": "last_synced", "days": 1}]}
    assert signal_lines(one_day) == ["கடைசியாக 1 நாளுக்கு முன் ஒத்திசைத்தது"]   # Tamil: 1 is singular
    overdue = {"flag": "set_overdue", "signals": ["2 released set(s) not finished after 3 days"],
               "signal_codes": [{"code": "sets_overdue", "n": 2, "days": 3}]}
    assert signal_lines(overdue) == ["வெளியிடப்பட்ட 2 தொகுப்புகள் 3 நாட்களுக்குப் பிறகும் முடிக்கப்படவில்லை"]


@pytest.mark.parametrize("locale, text", [
    ("bn", "শেষ সিঙ্ক 9 দিন আগে"), ("mr", "शेवटचे सिंक 9 दिवसांपूर्वी"), ("hi", "पिछला सिंक 9 दिन पहले")])
def test_signals_in_bengali_marathi_and_hindi(in_locale, locale, text):
    in_locale(locale)
    assert signal_lines({"signals": ["last synced 9 days ago"],
                         "signal_codes": [{"code": "last_synced", "days": 9}]}) == [text]


def test_unknown_codes_and_old_payloads_fall_back(in_locale):
    """A newer engine's code shows its English line; an entry from before why_args gets the reason's line."""
    in_locale("hi")
    assert why_line({"reason": "brand_new_reason", "why": "A line from a newer engine"}, HI_NAMES) == (
        "A line from a newer engine")
    assert why_line({"reason": "productive_practice", "skill": "sample.add", "why": "old English"}, HI_NAMES) == (
        "भिन्नों का जोड़ में सही स्तर पर अभ्यास")
    assert tier_line({"tier_code": "brand_new", "tier_args": {}, "tier_why": "an English tier line"}) == (
        "an English tier line")
    assert tier_line({"tier_why": "from before tier codes"}) == "from before tier codes"
    assert tier_line({"tier_code": "on_track", "tier_args": {}, "tier_why": "mastery 0.70: on track"}) == (
        "mastery 0.70: on track")   # a known code without its numbers: English, not a broken line
    flag = {"signals": ["used hints on 3 of 4 answers", "something new"],
            "signal_codes": [{"code": "hinted", "n": 3, "total": 4}, {"code": "brand_new"}]}
    assert signal_lines(flag) == ["4 में से 3 उत्तरों में संकेत लिए", "something new"]
    assert signal_lines({"signals": ["from before codes"]}) == ["from before codes"]


# The English every reason read as before the engine stopped writing words (one line per case).
ENGLISH_LINES = {
    ("productive_practice", (("zone", "below"),), "frac_meaning", None): "Next step in frac meaning: the most approachable item left",
    ("productive_practice", (("zone", "below"),), "int_compare", None): "Next step in int compare: the most approachable item left",
    ("productive_practice", (("zone", "below"),), "int_add", None): "Next step in int add: the most approachable item left",
    ("productive_practice", (("zone", "below"),), "int_subtract", None): "Next step in int subtract: the most approachable item left",
    ("misconception_remediation", (("reserve", True),), "frac_meaning", "bigger_denominator_bigger"):
        "Swapped in after the mistake 'bigger denominator bigger': this item practises frac meaning",
    ("misconception_remediation", (("reserve", True),), "int_compare", "longer_is_bigger"):
        "Swapped in after the mistake 'longer is bigger': this item practises int compare",
    ("misconception_remediation", (("reserve", True),), "int_add", "sign_ignored"):
        "Swapped in after the mistake 'sign ignored': this item practises int add",
    ("misconception_remediation", (("reserve", True),), "int_subtract", "subtract_negative_as_minus"):
        "Swapped in after the mistake 'subtract negative as minus': this item practises int subtract",
    ("misconception_remediation", (("reserve", True),), "int_subtract", "order_swapped"):
        "Swapped in after the mistake 'order swapped': this item practises int subtract",
    ("misconception_remediation", (("seen", 2),), "int_subtract", "subtract_negative_as_minus"):
        "The mistake 'subtract negative as minus' came up twice: this item practises int subtract",
    ("spaced_review", (("days", 34),), "int_compare", None): "You mastered int compare 34 days ago: a quick review keeps it fresh",
    ("spaced_review", (("days", 30),), "int_add", None): "You mastered int add 30 days ago: a quick review keeps it fresh",
    ("spaced_review", (("days", 28),), "int_add", None): "You mastered int add 28 days ago: a quick review keeps it fresh",
    ("spaced_review", (("days", 20),), "int_subtract", None): "You mastered int subtract 20 days ago: a quick review keeps it fresh",
    ("extension", (), "int_compare", None): "A challenge: you are ahead on int compare",
    ("extension", (), "int_subtract", None): "A challenge: you are ahead on int subtract",
    ("prerequisite_gap", (("before", "int_subtract"),), "int_compare", None): "Int compare comes before int subtract: building it up first",
}
ENGLISH_TIERS = {
    "too_few_answers": "not enough answers yet to see a difficulty", "on_track": "mastery 0.95: on track",
    "misconception_persists": "a misconception keeps coming back",
    "all_mastered": "all 3 skills mastered: review keeps them fresh", "diagnostic": "starting with a short diagnostic",
}


def test_in_english_every_reason_reads_as_it_always_has():
    """The engine gives codes only; the English lines a set keeps come from the catalog's msgids, word for word."""
    logs = [Log(),
            Log().master("int_compare", 1),                                        # spaced review
            Log().answer("sub2", False, 38).answer("sub3", False, 38),           # prerequisite gap
            Log().master("int_compare", 1).master("int_add", 6).answer("sub2", False, 37, "subtract_negative_as_minus")
            .answer("sub6", False, 38, "subtract_negative_as_minus"),            # remediation
            Log().master("int_compare", 1).master("int_add", 8).master("int_subtract", 16)]  # extension
    settings = [{}, {}, {"skills": ["int_subtract"]}, {}, {"skills": ["int_compare", "int_add", "int_subtract"]}]
    lines, tiers = {}, {}
    for log, extra in zip(logs, settings):
        # The micro-check came later and has its own line (below); these logs' skills were mastered weeks ago.
        result = next_set_for(log.state(), CATALOG, NOW, {**extra, "micro_check_below": 0.0})
        entries = result["items"] + result["reserve"] + ([result["extension"]] if result["extension"] else [])
        assert "tier_why" not in result and not any("why" in e for e in entries), "no words in the engine"
        with_english_lines(result, CATALOG)
        tiers[result["tier_code"]] = result["tier_why"]
        for e in entries:
            lines[(e["reason"], tuple(sorted(e["why_args"].items())), e["skill"], e.get("misconception"))] = e["why"]
    diagnostic = with_english_lines(diagnostic_set(CATALOG, NOW), CATALOG)
    tiers[diagnostic["tier_code"]] = diagnostic["tier_why"]
    assert lines == ENGLISH_LINES
    assert tiers == ENGLISH_TIERS
    assert {e["why"] for e in diagnostic["items"]} == {"A quick check of what you already know"}


def test_in_english_signals_read_as_they_always_have():
    """Flags carry codes and numbers only; in English they read as the engine used to write them."""
    now = NOW
    events = []
    for k in range(10):   # skips, fast answers with hints, a long wrong streak
        events.append({"id": f"s{k}", "type": "shown", "item": f"i{k}", "ts": now - 3600 + k})
        if k % 3 == 0:
            events.append({"id": f"k{k}", "type": "skip", "item": f"i{k}", "ts": now - 3500 + k})
        else:
            events.append({"id": f"a{k}", "type": "answer", "item": f"i{k}", "correct": False, "hints": 1,
                           "seconds": 1.0, "ts": now - 3400 + k})
    result = behaviour_signals(events, now, {"items": {}}, last_sync_ts=now - 9 * DAY,
                               settings={"min_answers": 3, "wrong_streak": 3})
    assert all(set(f) == {"flag", "signal_codes"} for f in result["flags"]), "no words in the engine"
    assert {f["flag"]: signal_lines(f, "en") for f in result["flags"]} == {
        "inactive": ["last synced 9 days ago"], "skipping": ["skipped 4 of 10 items"],
        "rapid_answers": ["6 of 6 answers came in a few seconds"], "hint_reliance": ["used hints on 6 of 6 answers"],
        "struggling": ["6 wrong answers in a row", "6 of 6 items wrong at the first try"]}


def _kiran(world, db):
    kiran = world["students"][0]["id"]
    with write(db):
        db.execute("UPDATE devices SET last_seen_at = ? WHERE student_id = ?", [time.time() - 10 * DAY, kiran])
    payload = json.loads(db.execute("SELECT payload FROM sets WHERE student_id = ? AND status = 'proposed'",
                                    [kiran]).fetchone()[0])
    return kiran, payload


def test_student_page_in_hindi_explains_items_and_flags_in_hindi(asha, world, db):
    """Kiran keeps adding across; her phone was last seen 10 days ago. A Hindi teacher reads both in Hindi."""
    client, _ = asha
    kiran, payload = _kiran(world, db)
    html = client.get(f"/teacher/students/{kiran}", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    upcoming = html.split('id="next"')[1].split("</section>")[0]
    remediation = [e for e in payload["items"] if e["reason"] == "misconception_remediation"]
    assert remediation and remediation[0]["why_args"]["seen"] == 3
    assert f"गलती “{ADD_ACROSS}” 3 बार दिखी: यह प्रश्न भिन्नों का जोड़ का अभ्यास कराता है" in upcoming
    for e in payload["items"]:
        assert str(escape(e["why"])) not in upcoming   # the English lines stay in the data only
    flags = html.split('id="signals-h"')[1].split("</section>")[0]
    assert "सिंक नहीं हो रहा</strong>: पिछला सिंक 10 दिन पहले" in flags
    assert "last synced" not in flags


def test_overview_and_approvals_in_marathi_and_tamil(asha, world, db):
    """The outreach list (mr) and the set cards waiting for approval (ta) use the teacher's language."""
    client, _ = asha
    kiran, payload = _kiran(world, db)
    class_id = world["class"]["id"]
    overview = client.get(f"/teacher/classes/{class_id}", headers={"Accept-Language": "mr"}).get_data(as_text=True)
    outreach = overview.split('id="outreach"')[1].split("</section>")[0]
    assert "शेवटचे सिंक 10 दिवसांपूर्वी" in outreach and "last synced" not in outreach
    cards = client.get(f"/teacher/classes/{class_id}/approvals",
                       headers={"Accept-Language": "ta"}).get_data(as_text=True)
    # Kiran's set shares a card with the sets alike (app/teacher/alike_sets.py): the mistake is named there,
    # and his own set's page says how often he made it.
    card = next(c for c in cards.split('<li id="')[1:] if f'value="{world["sets"][kiran]}"' in c)
    assert "தொகுதிகளையும் பகுதிகளையும் கூட்டுகிறார்" in card and "Adds tops" not in card
    assert payload["tier_code"] and str(escape(payload["tier_why"])) not in card
    own = client.get(f"/teacher/sets/{world['sets'][kiran]}", headers={"Accept-Language": "ta"}).get_data(as_text=True)
    assert "“தொகுதிகளையும் பகுதிகளையும் கூட்டுகிறார்” என்ற தவறு 3 முறை வந்தது" in own


def test_unknown_codes_on_a_page_show_the_english_line(asha, world, db):
    """A set written by a newer engine (codes this server does not know) still explains itself, in English."""
    client, _ = asha
    kiran, payload = _kiran(world, db)
    payload["items"][0].update(reason="brand_new_reason", why="Picked by a newer engine for a reason")
    payload.update(tier_code="brand_new_tier", tier_why="a tier reason from a newer engine")
    with write(db):
        db.execute("UPDATE sets SET payload = ? WHERE id = ?", [json.dumps(payload), world["sets"][kiran]])
    html = client.get(f"/teacher/sets/{world['sets'][kiran]}", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    assert "Picked by a newer engine for a reason" in html
    assert "a tier reason from a newer engine" in html
    assert "स्तर का कारण:" in html   # the rest of the page is still Hindi


@pytest.mark.parametrize("locale, text", [
    ("en", "last synced 19 days ago, 10 of them excused"),
    ("hi", "पिछला सिंक 19 दिन पहले, जिनमें से 10 दिन छूट पर"),
    ("ta", "கடைசியாக 19 நாட்களுக்கு முன் ஒத்திசைத்தது, அவற்றில் 10 நாட்கள் விலக்கு"),
    ("bn", "শেষ সিঙ্ক 19 দিন আগে, তার মধ্যে 10 দিন ছাড়ে"),
    ("mr", "शेवटचे सिंक 19 दिवसांपूर्वी, त्यांपैकी 10 दिवस सूट")])
def test_days_left_out_as_away_are_named_in_every_language(in_locale, locale, text):
    """A silence that leaves out days excused says how many, in the teacher's language."""
    in_locale(locale)
    flag = {"flag": "inactive", "signal_codes": [{"code": "last_synced", "days": 19, "away": 10,
                                                  "away_kind": "excused"}]}
    assert signal_lines(flag) == [text]


def test_days_paused_or_both_are_named_by_their_kind(in_locale):
    """A class pause, or an excuse and a pause together, each in its own words; no days away, no words."""
    in_locale("en")
    overdue = {"signal_codes": [{"code": "sets_overdue", "n": 1, "days": 14, "away": 10, "away_kind": "pause"}]}
    assert signal_lines(overdue) == ["1 released set not finished after 14 days, 10 of them with the class paused"]
    both = {"signal_codes": [{"code": "last_practised", "days": 9, "away": 1, "away_kind": "away"}]}
    assert signal_lines(both) == ["last practised 9 days ago, 1 of them excused or with the class paused"]
    assert signal_lines({"signal_codes": [{"code": "last_synced", "days": 8, "away": 0}]}) == ["last synced 8 days ago"]
