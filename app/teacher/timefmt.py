"""Times and numbers as a busy teacher reads them: "3 days ago", "14 Jan, 16:05", "82"."""
from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from ..i18n.web import get_locale, gettext as _, ngettext

# Teachers are in India; one zone for every page keeps "fetched at" and "last synced" comparable.
ZONE = ZoneInfo(os.environ.get("ABHYAS_TZ", "Asia/Kolkata"))


def ago(ts: float | None, now: float | None = None) -> str:
    """A relative time: "just now", "5 minutes ago", "3 days ago", or "never"."""
    if not ts:
        return _("never")
    seconds = max(0, (now or time.time()) - ts)
    if seconds < 90:
        return _("just now")
    if seconds < 3600:
        return ngettext("%(num)d minute ago", "%(num)d minutes ago", int(seconds // 60))
    if seconds < 86400:
        return ngettext("%(num)d hour ago", "%(num)d hours ago", int(seconds // 3600))
    return ngettext("%(num)d day ago", "%(num)d days ago", int(seconds // 86400))


# The two shapes the pages use, as CLDR patterns so month names follow the teacher's language.
_PATTERNS = {"%d %b, %H:%M": "d MMM, HH:mm", "%d %b": "d MMM", "%d %b %Y": "d MMM y"}


def localtime(ts: float | None, fmt: str = "%d %b, %H:%M") -> str:
    """A wall-clock time in the teachers' zone, month in the teacher's language ("3 Jan, 16:05", "3 जन॰")."""
    if not ts:
        return ""
    moment = datetime.fromtimestamp(ts, ZONE)
    pattern = _PATTERNS.get(fmt)
    if pattern is None:
        return moment.strftime(fmt)
    return format_datetime(moment, pattern, locale=get_locale())


def isotime(ts: float | None) -> str:
    """An ISO 8601 time for <time datetime>."""
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def times(n: int) -> str:
    """A count of occurrences in words ("15 times"), never "×15" (which reads as multiplication)."""
    return ngettext("%(num)d time", "%(num)d times", int(n or 0))


def pct(p: float | None) -> str:
    """A probability as a whole percentage without the sign ("82"), or an en dash."""
    if p is None:
        return "–"
    return str(int(round(p * 100)))
