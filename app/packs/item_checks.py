"""Checks on one item: its fields, texts, speakable text, answer and wrong-answer rules."""
from __future__ import annotations

import difflib
import re
from fractions import Fraction

from ..grading import FORMS, has_exact_decimal, is_lowest_terms, parse_answer, parse_number

ITEM_FIELDS = {"id", "skill", "kind", "difficulty", "seconds", "extension", "text", "simplified", "speak",
               "answer", "form", "accept", "wrong", "hints", "solution", "choices", "template", "context", "check", "figure"}
TEMPLATE_FIELDS = (ITEM_FIELDS - {"template", "choices", "accept", "check"}) | {"count", "params", "let", "where", "seed", "extra"}
KINDS = ("numeric", "fraction", "choice")
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def unknown_fields(block, allowed, problems, what: str) -> None:
    """Report fields an author may have misspelt, with the nearest known name."""
    for key in block:
        if key not in allowed:
            guess = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; known fields: {', '.join(sorted(allowed))}"
            problems.add(block, key, f"unknown field '{key}' in {what}{hint}")


def check_locale_map(block, key, locales, problems, what: str, required=True) -> bool:
    """A text field must give non-empty text for exactly the pack's locales."""
    value = block.get(key)
    if value is None:
        if required:
            problems.add(block, None, f"{what} has no '{key}'; add {key}: with text for {', '.join(locales)}")
        return False
    return check_text_map(value, (block, key), locales, problems, f"'{key}' of {what}")


def check_text_map(value, at, locales, problems, label: str) -> bool:
    """One locale map: a text per declared locale, none empty, no undeclared locale."""
    if isinstance(value, str) and len(locales) == 1:
        return True
    if not isinstance(value, dict):
        problems.add(*at, f"{label} must give text per locale, e.g. {{{', '.join(loc + ': ...' for loc in locales)}}}")
        return False
    good = True
    for loc in locales:
        text = value.get(loc)
        if text is None:
            problems.add(*at, f"{label} has no '{loc}' text; add {loc}: ...")
            good = False
        elif not isinstance(text, (str, int, float)) or not str(text).strip():
            problems.add(value, loc, f"{label}: the '{loc}' text is empty; write it")
            good = False
    for loc in value:
        if loc not in locales:
            problems.add(value, loc, f"{label} has text for '{loc}', which pack.yaml does not declare under locales")
    return good


def check_speakable(block, key, locales, problems, what: str) -> None:
    """Speakable text must not hold symbols that speech engines misread."""
    from ..i18n.speakable import speakable_problems
    value = block.get(key)
    if not isinstance(value, dict):
        return
    for loc in locales:
        found = speakable_problems(str(value.get(loc, "")))
        if found:
            problems.add(value, loc, f"'{key}.{loc}' of {what} has {', '.join(found)}, which speech engines misread; write it in words")


def check_steps(block, key, locales, problems, what: str, low: int, high: int) -> None:
    """Hints and solution steps: a list of locale maps of the right length."""
    steps = block.get(key)
    if not isinstance(steps, list):
        problems.add(block, key if key in block else None,
                     f"{what} needs '{key}': a list of {low} to {high} steps, each with text per locale")
        return
    if not low <= len(steps) <= high:
        problems.add(block, key, f"{what} has {len(steps)} {key}; give {low} to {high}")
    for i, step in enumerate(steps):
        at = (steps, i) if hasattr(steps, "line_of") else (block, key)
        check_text_map(step, at, locales, problems, f"{key} step {i + 1} of {what}")


def check_answer(item, problems, what: str, misconceptions_allowed: set, all_misconceptions: set) -> None:
    """The answer parses for its kind; accepted forms match it; wrong rules differ and map to misconceptions."""
    kind = item.get("kind")
    if kind not in KINDS:
        problems.add(item, "kind" if "kind" in item else None, f"{what}: kind must be one of {', '.join(KINDS)}")
        return
    if "answer" not in item:
        problems.add(item, None, f"{what} has no answer; add answer:")
        return
    choice_keys = []
    if kind == "choice":
        choices = item.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            problems.add(item, "choices" if "choices" in item else None, f"{what}: a choice item needs at least 2 choices")
            return
        for i, choice in enumerate(choices):
            if not isinstance(choice, dict) or "key" not in choice or "text" not in choice:
                problems.add(choices, i, f"choice {i + 1} of {what} needs key: and text:")
                continue
            choice_keys.append(str(choice["key"]).lower())
        if len(set(choice_keys)) != len(choice_keys):
            problems.add(item, "choices", f"{what}: two choices share a key; keys must differ")
    answer_raw = str(item["answer"])
    answer = parse_answer(answer_raw, kind)
    if answer is None or (kind == "choice" and answer not in choice_keys):
        fix = f"one of the choice keys {', '.join(choice_keys)}" if kind == "choice" else \
            "a number like -7 or 2.5" if kind == "numeric" else "a fraction like 3/4, 1 1/2 or 5"
        problems.add(item, "answer", f"{what}: answer '{answer_raw}' does not parse; write {fix}")
        return
    form = item.get("form", "any")
    if form not in FORMS:
        problems.add(item, "form", f"{what}: form must be one of {', '.join(FORMS)} "
                                   "(decimal, fraction and mixed: the right value typed another way does not count)")
    elif form == "lowest" and kind != "choice" and not is_lowest_terms(answer_raw):
        problems.add(item, "answer", f"{what}: form is 'lowest' but the answer {answer_raw} can be simplified")
    elif form == "decimal" and kind != "choice" and not has_exact_decimal(answer):
        problems.add(item, "form", f"{what}: form is 'decimal' but {answer_raw} has no exact decimal; use form: any")
    elif form == "mixed" and kind != "choice" and (answer.denominator == 1 or abs(answer) < 1):
        problems.add(item, "form", f"{what}: form is 'mixed' but {answer_raw} is not more than 1 with a fraction part")
    accepted = [answer]
    for alt in item.get("accept") or []:
        value = parse_answer(str(alt), kind)
        if value is None:
            problems.add(item, "accept", f"{what}: accepted form '{alt}' does not parse")
        elif value != answer:
            problems.add(item, "accept", f"{what}: accepted form '{alt}' is not equal to the answer {answer_raw}")
    rules = item.get("wrong") or []
    if not isinstance(rules, list):
        problems.add(item, "wrong", f"{what}: wrong must be a list of {{answer, misconception}}")
        return
    seen = []
    for i, rule in enumerate(rules):
        where = rules if hasattr(rules, "line_of") else item
        if not isinstance(rule, dict) or "answer" not in rule or "misconception" not in rule:
            problems.add(where, i if where is rules else "wrong", f"wrong rule {i + 1} of {what} needs answer: and misconception:")
            continue
        value = parse_answer(str(rule["answer"]), kind)
        at = (rule, "answer") if hasattr(rule, "line_of") else (item, "wrong")
        if value is None or (kind == "choice" and value not in choice_keys):
            problems.add(*at, f"{what}: wrong answer '{rule['answer']}' does not parse for a {kind} item")
        elif value in accepted:
            problems.add(*at, f"{what}: wrong answer '{rule['answer']}' equals the right answer {answer_raw}; "
                              "a wrong-answer rule must differ from the answer")
        elif value in seen:
            problems.add(*at, f"{what}: wrong answer '{rule['answer']}' is listed twice; keep one rule per answer")
        seen.append(value)
        mc = rule.get("misconception")
        at_mc = (rule, "misconception") if hasattr(rule, "line_of") else (item, "wrong")
        if mc not in all_misconceptions:
            problems.add(*at_mc, f"{what}: unknown misconception '{mc}'; define it in skills.yaml")
        elif mc not in misconceptions_allowed:
            problems.add(*at_mc, f"{what}: misconception '{mc}' belongs to a skill that is neither "
                                 f"'{item.get('skill')}' nor one of its prerequisites")


def check_numbers(item, problems, what: str) -> None:
    """Difficulty 1-5 and a sensible time estimate."""
    difficulty = item.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5:
        problems.add(item, "difficulty" if "difficulty" in item else None, f"{what}: difficulty must be a whole number from 1 to 5")
    seconds = item.get("seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 5 <= seconds <= 1800:
        problems.add(item, "seconds" if "seconds" in item else None, f"{what}: seconds must be a whole number from 5 to 1800 (a typical student's time)")
    if "extension" in item and not isinstance(item["extension"], bool):
        problems.add(item, "extension", f"{what}: extension must be true or false")


def check_computed_answer(item, problems, what: str) -> None:
    """A hand-written item's `check` expression recomputes its answer, so a typo cannot hide."""
    from .expressions import ExpressionError, evaluate
    if "check" not in item:
        return
    try:
        value = evaluate(item["check"], {})
    except ExpressionError as exc:
        problems.add(item, "check", f"{what}: check: {exc}")
        return
    if isinstance(value, bool):
        if not value:
            problems.add(item, "check", f"{what}: check '{item['check']}' is false; the item's facts are wrong")
        return
    kind = item.get("kind")
    if kind == "choice":
        texts = {str(c.get("key")).lower(): c.get("text") for c in item.get("choices") or [] if isinstance(c, dict)}
        shown = texts.get(str(item.get("answer")).lower())
        expected = parse_number(shown.get("en") if isinstance(shown, dict) else str(shown)) if shown is not None else None
    else:
        expected = parse_answer(str(item.get("answer")), kind) if kind in KINDS else None
    if expected is None:
        problems.add(item, "check", f"{what}: check gives {value} but the answer is not a number to compare it with; "
                                    "write check as a comparison that must be true instead")
    elif Fraction(value) != expected:
        problems.add(item, "check", f"{what}: the answer is {item.get('answer')} but check '{item['check']}' computes "
                                    f"{value}; fix the answer or the check")
