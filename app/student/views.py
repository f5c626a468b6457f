"""Views that deliver the student app; everything after the shell is answered by the service worker."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("student", __name__, template_folder="templates")


@bp.get("/")
def shell():
    """The app shell: tiny, cacheable, and enough to start the service worker."""
    return render_template("student/shell.html")
