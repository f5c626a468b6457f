"""The publisher blueprint (/publish) and who may use which part of it."""
from __future__ import annotations

from flask import Blueprint, request

from ..auth import csrf
from ..auth.roles import current_user

bp = Blueprint("publisher", __name__, url_prefix="/publish", template_folder="templates")
csrf.protect(bp)

PUBLISHERS = ("publisher",)
# Teachers pick units from the catalogue and check pack files handed to them; admins see what is listed.
READERS = ("teacher", "publisher", "admin")
MAX_BUNDLE_UPLOAD = 64 * 1024 * 1024
# The form around the file (boundaries, the CSRF field) must not push a pack-sized file over the limit.
FORM_OVERHEAD = 64 * 1024
UPLOADS = {"publisher.upload": PUBLISHERS, "publisher.check_file": READERS}


def allow_bundle_uploads():
    """Lift the 2 MB request limit to a bundle's 64 MB, only on the upload routes and only for their roles."""
    roles = UPLOADS.get(request.endpoint or "")
    if roles and request.method == "POST":
        user = current_user()
        if user is not None and user["role"] in roles:
            request.max_content_length = MAX_BUNDLE_UPLOAD + FORM_OVERHEAD
