"""`cmdb token create|list|revoke`: the bearer tokens of the GraphQL API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from cli.base import console, err, graph
from cmdb.roles import ROLES, as_role
from cmdb.timespec import format_time
from cmdb.tokens import (
    EXPIRY_FORMS,
    check_name,
    create_token,
    list_tokens,
    parse_expiry,
    revoke_token,
)
from cmdb.tokens import token_state as state_of

app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)


def _when(value: datetime | None) -> str:
    return "-" if value is None else format_time(value)


@app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="who holds it (the actor of its edits)")],
    role: Annotated[str, typer.Option("--role", help=f"one of {', '.join(ROLES)}")],
    expires: Annotated[str | None, typer.Option("--expires", help=EXPIRY_FORMS)] = None,
) -> None:
    """Create a token; its secret is printed once, alone on stdout.

    The graph keeps only the secret's hash. In a script:
    `TOKEN=$(cmdb token create --name ci-bot --role engineer --expires 90d)`."""
    now = datetime.now(UTC)
    check_name(name)  # bad input fails before any DBMS is asked
    as_role(role)
    until = None if expires is None else parse_expiry(expires, now)
    with graph() as (_config, _schema, driver):
        secret, info = create_token(driver, name, role, until, now)
    console.print(secret, markup=False, highlight=False, soft_wrap=True)
    expiry = f"expires {_when(info.expires_at)}" if info.expires_at else "does not expire"
    err.print(
        f"token {info.name!r} created, role {info.role}, {expiry}. Its secret (above) is "
        "shown this once: send it as `Authorization: Bearer <secret>`.",
        markup=False,
        highlight=False,
    )


@app.command("list")
def token_list() -> None:
    """Every token (never its secret): name, role, state, created, expires, revoked."""
    with graph() as (_config, _schema, driver):
        tokens = list_tokens(driver)
    now = datetime.now(UTC)
    table = Table("name", "role", "state", "created", "expires", "revoked")
    for info in tokens:
        table.add_row(
            info.name,
            info.role,
            state_of(info, now),
            _when(info.created_at),
            _when(info.expires_at),
            _when(info.revoked_at),
        )
    console.print(table)


@app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="the token's name")]) -> None:
    """Revoke a token: the API refuses it from now on (it stays listed, as revoked)."""
    now = datetime.now(UTC)
    with graph() as (_config, _schema, driver):
        info = revoke_token(driver, name, now)
    if info.revoked_at is not None and info.revoked_at < now:
        console.print(
            f"token {name!r} was revoked already, at {_when(info.revoked_at)}", markup=False
        )
    else:
        console.print(f"token {name!r} revoked", markup=False)
