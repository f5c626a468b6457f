"""The student and teacher UI strings every catalog must translate, marked for extraction.

Templates and views use these msgids verbatim; `catalogs.check_catalogs()` fails when a
catalog lacks one, so code, extraction (babel.cfg) and translations stay in sync.
"""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (a Babel default keyword)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction (keyword `N_plural:1,2` in babel.cfg runs)."""
    return singular, plural


MESSAGES = [
    N_("Class code"),
    N_("PIN"),
    N_("Join"),
    N_("Answer"),
    N_("Check"),
    N_("Hint"),
    N_("Next"),
    N_("Sync now"),
    N_("Skip"),
    N_("Correct!"),
    N_("Not quite. Try again."),
    N_("Show worked solution"),
    N_("Read aloud"),
    N_("Why this item"),
    N_("All answers synced"),
    N_("Offline"),
    N_("Online"),
    N_("Language"),
    N_("Simple words"),
    N_("Switch student"),
    N_("Add student"),
    N_("My progress"),
    N_("Next steps"),
    N_("Mastered"),
    N_("Practising"),
    N_("Not started"),
    N_("Homework"),
    N_("Question %(n)d of %(total)d"),
    N_("Storage is almost full. Ask your teacher before downloading more."),
    N_("How sure were you?"),
    N_("Extension (optional)"),
    N_("Read in Roman letters"),
    N_("Your answer"),
    N_("Fraction"),
    N_("Whole number"),
    N_("Numerator"),
    N_("Denominator"),
    N_("Sign in"),
    N_("Username"),
    N_("Password"),
]

PLURAL_MESSAGES = [
    N_plural("%(num)d answer waiting to sync", "%(num)d answers waiting to sync"),
]
