"""Sync API views."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
