"""`abhyas users add|password|list` and `abhyas privacy redact`: each verb calls app/auth/accounts.py or
app/privacy/retention.py."""
from __future__ import annotations

import sys

from .common import CommandError, print_json


def _password_from_stdin(args):
    """The password piped on stdin (first line) with --password-stdin, else None (a random one is made)."""
    if not args.password_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_add(args) -> int:
    """Create an account and print its password once."""
    from ..auth.accounts import create_user
    from ..db import connect
    user, password = create_user(connect(args.db), args.username, args.role, password=_password_from_stdin(args),
                                 display_name=args.display_name, publisher=args.publisher)
    shown = None if args.password_stdin else password
    if args.json:
        print_json({"username": user["username"], "role": user["role"], "publisher": user["publisher"],
                     "password": shown})
    else:
        print(f"created {user['role']} '{user['username']}'" + (f"; password: {shown}" if shown else "")
              + (f"; publishes as '{user['publisher']}'" if user["publisher"] else ""))
    return 0


def cmd_users_password(args) -> int:
    """Give an account a new password (random unless piped in) and print it once; its sessions end."""
    from ..auth.accounts import find_user, set_password
    from ..db import connect
    db = connect(args.db)
    user = find_user(db, args.username)
    if user is None:
        raise CommandError(f"no account named '{args.username}'")
    password = set_password(db, user["id"], _password_from_stdin(args))
    print("password changed" if args.password_stdin else f"password: {password}")
    return 0


def cmd_users_list(args) -> int:
    """Print every account: username, role, publisher name."""
    from ..auth.accounts import list_users
    from ..db import connect
    for user in list_users(connect(args.db)):
        print(f"{user['username']}\t{user['role']}\t{user['publisher'] or ''}")
    return 0


def cmd_privacy_redact(args) -> int:
    """Blank typed answers older than each class's retention (for cron when not using `abhyas serve`)."""
    from ..privacy.retention import run_once
    count = run_once(args.db)
    if count is None:
        print_json({"redacted": 0, "skipped": "another server is running the retention job right now"})
    else:
        print_json({"redacted": count})
    return 0


def add_security_verbs(verbs) -> None:
    """`abhyas users add|password|list` and `abhyas privacy redact`."""
    users = verbs.add_parser("users", help="teacher, publisher and admin accounts").add_subparsers(
        dest="users_verb", required=True)
    p = users.add_parser("add", help="create an account; prints its password once")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=("admin", "publisher", "teacher"))
    p.add_argument("--publisher", help="for --role publisher: the publisher name packs are signed as "
                                       "(default: the username)")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_users_add)
    p = users.add_parser("password", help="set a new password; prints it once; the account's sessions end")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_users_password)
    p = users.add_parser("list", help="every account with its role")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_users_list)
    privacy = verbs.add_parser("privacy", help="privacy jobs").add_subparsers(dest="privacy_verb", required=True)
    p = privacy.add_parser("redact", help="blank typed answers past each class's retention (abhyas serve does it daily)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_privacy_redact)
