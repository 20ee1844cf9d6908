"""`motcua token create|revoke USERNAME`: API tokens for scripts and integrations.

A token stands for its official (same roles, same scope) in `Authorization: Token <key>`; the
admin's "Tokens" page lists and deletes them too. One token per account (DRF's `authtoken`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("token", help="issue or revoke an API token of an account")
    actions = p.add_subparsers(dest="token_command", metavar="ACTION", parser_class=type(p))
    actions.required = True

    c = actions.add_parser("create", help="print the account's token, issuing one if it has none")
    c.add_argument("username")
    c.add_argument("--rotate", action="store_true", help="replace an existing token by a new one")
    c.add_argument("--json", action="store_true", help="print {username, key, created} as JSON")
    c.set_defaults(handler=cmd_create)

    r = actions.add_parser("revoke", help="delete the account's token (its clients get 401)")
    r.add_argument("username")
    r.set_defaults(handler=cmd_revoke)


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CLIError(f"no account named {username!r}") from None


def cmd_create(args: argparse.Namespace) -> int:
    setup_django()
    from rest_framework.authtoken.models import Token

    user = _user(args.username)
    if not getattr(user, "is_active", False):
        raise CLIError(f"account {args.username!r} is inactive")
    if args.rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    if args.json:
        print_json({"username": args.username, "key": token.key, "created": created})
    else:
        print(token.key)
        print(f"motcua: token {'issued' if created else 'already existed'} for {args.username}", file=sys.stderr)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=_user(args.username)).delete()
    print(f"motcua: {'revoked the token of' if deleted else 'no token for'} {args.username}", file=sys.stderr)
    return 0
