"""Accounts for teachers, NGO publishers and admins: creation, passwords, and where each role lands."""
from __future__ import annotations

import re
import secrets
import time

from ..db import write
from .passwords import hash_password

ROLES = ("teacher", "publisher", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
# Publisher names are what `abhyas keys new --publisher` wrote into the key and pack.yaml carries.
PUBLISHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
HOMES = {"teacher": "/teacher/classes", "publisher": "/publish", "admin": "/admin"}


class AccountError(Exception):
    """An account that cannot be made or changed, with the reason to show."""

    @property
    def user_message(self) -> str:
        """The one-line reason shown to a person."""
        return str(self)


def new_password() -> str:
    """A random password to hand over once: 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def check_username(username: str) -> str:
    """The username lower-cased, or AccountError when it is not 2–40 of a-z, 0-9, '.', '_', '-'."""
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise AccountError("a username is 2–40 characters: letters a–z, digits, '.', '_' or '-'")
    return name


def check_publisher_name(name: str) -> str:
    """A publisher name as keys and packs carry it, or AccountError."""
    name = (name or "").strip()
    if not PUBLISHER.match(name):
        raise AccountError("a publisher name is 1–64 characters: letters, digits, '.', '_' or '-'")
    return name


def check_new_password(password: str) -> str:
    """A password long enough to choose, or AccountError."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 200:
        raise AccountError("a password has at most 200 characters")
    return password


def create_user(db, username: str, role: str, password: str | None = None, display_name: str | None = None,
                publisher: str | None = None) -> tuple[dict, str]:
    """Make an account; return (its row without the hash, the password). A publisher publishes as `publisher`."""
    username = check_username(username)
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    password = check_new_password(password) if password is not None else new_password()
    if role == "publisher":
        publisher = check_publisher_name(publisher or username)
    elif publisher:
        raise AccountError("only a publisher account names a publisher")
    now = time.time()
    with write(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"the username '{username}' is taken")
        user_id = db["users"].insert({"username": username, "password_hash": hash_password(password), "role": role,
                            "display_name": (display_name or "").strip()[:80] or None, "publisher": publisher,
                            "created_at": now, "password_changed_at": now}).last_pk
    return get_user(db, user_id), password


def set_password(db, user_id: int, password: str | None = None) -> str:
    """Give an account a new password (random unless given); every older session of it ends. Return it."""
    password = check_new_password(password) if password is not None else new_password()
    with write(db):
        changed = db.execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                             [hash_password(password), time.time(), user_id]).rowcount
    if not changed:
        raise AccountError("no such account")
    return password


def get_user(db, user_id: int) -> dict | None:
    """One account (never its password hash), or None."""
    row = db.execute("SELECT id, username, role, display_name, publisher, created_at, password_changed_at "
                     "FROM users WHERE id = ?", [user_id]).fetchone()
    keys = ("id", "username", "role", "display_name", "publisher", "created_at", "password_changed_at")
    return dict(zip(keys, row)) if row else None


def find_user(db, username: str) -> dict | None:
    """An account by username, or None."""
    row = db.execute("SELECT id FROM users WHERE username = ?", [(username or "").strip().lower()]).fetchone()
    return get_user(db, row[0]) if row else None


def list_users(db) -> list:
    """Every account, by role then name (no password hashes)."""
    ids = [r[0] for r in db.execute("SELECT id FROM users ORDER BY role, username")]
    return [get_user(db, i) for i in ids]


def role_home(role: str | None) -> str:
    """The page a role lands on after sign-in."""
    return HOMES.get(role or "", "/teacher")
