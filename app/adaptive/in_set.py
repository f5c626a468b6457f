"""In-set adaptation: what comes next after the phone detects a misconception.

The phone runs the JavaScript copy (`app/service_worker/select.js`); both are checked
against `tests/golden/in_set.json`. The plan is recomputed from the set and the answers
so far every time, so it needs no stored state and replays identically.
"""
from __future__ import annotations

MAX_SWAPS = 2


def next_in_set(set_doc: dict, answers: list, max_swaps: int = MAX_SWAPS) -> dict:
    """Plan the rest of a set from the answers so far.

    `answers` are `{"item", "correct", "misconception", "skipped"?}` in order. The first
    answer to an item that shows misconception M swaps in the reserve's first unused item
    for M as the very next item, dropping the last pending item that is not itself
    remediation, so the set keeps its length; at most `max_swaps` swaps per set. Returns
    `{"next", "queue", "remaining", "swaps": [{"in", "out", "misconception"}]}`.
    """
    queue = [e["item"] for e in set_doc.get("items", [])]
    reasons = {e["item"]: e.get("reason") for e in set_doc.get("items", [])}
    reserve = list(set_doc.get("reserve", []))
    done: list = []
    swaps: list = []
    for answer in answers:
        item = answer.get("item")
        first = item not in done
        if first:
            done.append(item)
        mc = answer.get("misconception")
        if not first or not mc or answer.get("skipped") or len(swaps) >= max_swaps:
            continue
        candidate = next((r for r in reserve if r.get("misconception") == mc
                          and r["item"] not in queue and r["item"] not in done), None)
        if candidate is None:
            continue
        victims = [i for i in queue if i not in done and reasons.get(i) != "misconception_remediation"]
        if not victims:
            continue
        victim = victims[-1]
        queue.remove(victim)
        position = next((k for k, i in enumerate(queue) if i not in done), len(queue))
        queue.insert(position, candidate["item"])
        reasons[candidate["item"]] = "misconception_remediation"
        swaps.append({"in": candidate["item"], "out": victim, "misconception": mc})
    remaining = [i for i in queue if i not in done]
    return {"next": remaining[0] if remaining else None, "queue": queue,
            "remaining": remaining, "swaps": swaps}
