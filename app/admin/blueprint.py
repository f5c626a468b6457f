"""The admin blueprint: every view is for the admin role only, and every change carries the CSRF token."""
from __future__ import annotations

from flask import Blueprint

from ..auth import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
csrf.protect(bp)
