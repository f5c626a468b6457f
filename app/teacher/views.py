"""Teacher views."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("teacher", __name__, url_prefix="/teacher", template_folder="templates")


@bp.get("")
def home():
    """The teacher's start page: sign-in until signed in."""
    return render_template("teacher/sign_in.html")
