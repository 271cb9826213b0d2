"""API tokens: bearer secrets for the GraphQL API, each with a name and a role.

A secret is `cmdb_` + 32 random bytes (url-safe base64); it is shown once, when created.
The graph keeps only its sha256 (`:ApiToken`, cmdb/queries/tokens.py): a request's token
is found by the hash of what it presents, so no secret is ever stored, logged or
compared. A token is refused once revoked or past its expiry; revoking keeps the node (who
held which role stays on record).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j

from cmdb.errors import CMDBError
from cmdb.properties import native
from cmdb.queries.tokens import CREATE_TOKEN, LIST_TOKENS, REVOKE_TOKEN
from cmdb.roles import Role, as_role
from cmdb.timespec import format_time

SECRET_PREFIX = "cmdb_"  # noqa: S105 (what every secret starts with, not a secret)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
EXPIRY_FORMS = (
    "a date or time (2027-03-31, 2027-03-31T12:00Z; UTC without a zone) "
    "or a duration (12h, 90d, 2w)"
)
_DURATION = re.compile(r"(\d{1,5})([hdw])")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


class TokenError(CMDBError):
    """A token could not be created or revoked (bad name, role or expiry, a name taken)."""


@dataclass(frozen=True)
class TokenInfo:
    """What is known of a token: everything but its secret (and its hash)."""

    name: str
    role: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def refusal(self, now: datetime) -> str | None:
        """Why this token may not be used at `now`, or None when it may."""
        if self.revoked_at is not None:
            return f"the API token {self.name!r} was revoked at {format_time(self.revoked_at)}"
        if self.expires_at is not None and self.expires_at <= now:
            return f"the API token {self.name!r} expired at {format_time(self.expires_at)}"
        return None


def token_info(row: dict[str, Any]) -> TokenInfo:
    """A row of the token queries (cmdb/queries/tokens.py) as a TokenInfo."""
    return TokenInfo(
        name=row["name"],
        role=row["role"],
        created_at=native(row["created_at"]),
        expires_at=native(row["expires_at"]),
        revoked_at=native(row["revoked_at"]),
    )


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its sha256, hex. A secret has 256 random bits, so an
    unsalted fast hash is enough: nobody can guess one to match."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def parse_expiry(text: str, now: datetime) -> datetime:
    """When a token given `--expires text` at `now` expires: a duration from now (12h, 90d,
    2w) or a date (its midnight UTC) or time; it must lie in the future."""
    spec = text.strip()
    if duration := _DURATION.fullmatch(spec.lower()):
        value = now + timedelta(**{_UNITS[duration.group(2)]: int(duration.group(1))})
    else:
        try:
            value = datetime.fromisoformat(spec)
        except ValueError:
            raise TokenError(f"--expires {text!r} is not {EXPIRY_FORMS}") from None
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if value <= now:
        raise TokenError(
            f"--expires {text!r} is not in the future ({format_time(value)}; now is "
            f"{format_time(now)})"
        )
    return value.astimezone(UTC)


def check_name(name: str) -> str:
    """`name` if it may name a token, else TokenError saying what a name may be."""
    if not NAME.fullmatch(name):
        raise TokenError(
            f"token name {name!r}: 1 to 64 letters, digits and . _ @ -, starting with a "
            "letter or digit"
        )
    return name


def create_token(
    driver: neo4j.Driver,
    name: str,
    role: str,
    expires: datetime | None,
    now: datetime | None = None,
) -> tuple[str, TokenInfo]:
    """A new token: its secret (to show once) and what the graph keeps of it."""
    check_name(name)
    checked: Role = as_role(role)
    at = now or datetime.now(UTC)
    if expires is not None and expires <= at:
        raise TokenError(f"token {name!r}: its expiry {format_time(expires)} is not in the future")
    secret = new_secret()
    info = TokenInfo(name, checked, at, expires, None)
    props = {"name": name, "role": checked, "hash": hash_secret(secret), "created_at": at}
    if expires is not None:
        props["expires_at"] = expires
    try:
        driver.execute_query(CREATE_TOKEN, props=props)
    except neo4j.exceptions.ConstraintError:
        raise TokenError(
            f"a token named {name!r} exists already (`cmdb token list`); choose another name"
        ) from None
    return secret, info


def list_tokens(driver: neo4j.Driver) -> list[TokenInfo]:
    """Every token, revoked and expired ones too, by name."""
    records, _, _ = driver.execute_query(LIST_TOKENS, routing_=neo4j.RoutingControl.READ)
    return [token_info(record.data()) for record in records]


def revoke_token(driver: neo4j.Driver, name: str, now: datetime | None = None) -> TokenInfo:
    """Revoke the token `name` from now on (a token revoked before keeps its first time)."""
    at = now or datetime.now(UTC)
    records, _, _ = driver.execute_query(REVOKE_TOKEN, name=name, at=at)
    if not records:
        raise TokenError(f"no token named {name!r} (`cmdb token list` lists them)")
    return token_info(records[0].data())


def token_state(info: TokenInfo, now: datetime) -> str:
    """active, expired or revoked: a token's state as `cmdb token list` shows it."""
    if info.revoked_at is not None:
        return "revoked"
    if info.expires_at is not None and info.expires_at <= now:
        return "expired"
    return "active"
