"""Roles and what each may do: the one table both the CLI (`cmdb token create`) and the
API's permission checks read.

    reader < engineer < reviewer, auditor < admin

A role holds its own permissions and every permission of the roles below it; reviewer
and auditor both stand above engineer and neither above the other; admin holds all.
"""

from __future__ import annotations

from typing import Literal, get_args

from cmdb.errors import CMDBError

Role = Literal["reader", "engineer", "reviewer", "auditor", "admin"]
Permission = Literal[
    "read",  # every query: CIs, topology, history, impact, runs
    "edit_cis",  # manual CIs and relationships, attribute edits, retire and restore
    "request_changes",  # draft and submit change requests
    "assess_changes",  # assess a change request (store its impact and risk)
    "approve_changes",  # approve or reject a change request
    "run_audits",  # run audits and handle their findings
    "manage_tokens",  # list and revoke API tokens
]

ROLES: tuple[Role, ...] = get_args(Role)
PERMISSIONS: tuple[Permission, ...] = get_args(Permission)

# each role: the roles directly below it, and what it adds to theirs
_BELOW: dict[Role, tuple[Role, ...]] = {
    "reader": (),
    "engineer": ("reader",),
    "reviewer": ("engineer",),
    "auditor": ("engineer",),
    "admin": ("reviewer", "auditor"),
}
_ADDS: dict[Role, tuple[Permission, ...]] = {
    "reader": ("read",),
    "engineer": ("edit_cis", "request_changes"),
    "reviewer": ("assess_changes", "approve_changes"),
    "auditor": ("run_audits",),
    "admin": ("manage_tokens",),
}


class UnknownRoleError(CMDBError):
    """A role name that is not one of ROLES."""


def _granted(role: Role) -> frozenset[Permission]:
    below = frozenset(p for lower in _BELOW[role] for p in _granted(lower))
    return below | frozenset(_ADDS[role])


GRANTS: dict[str, frozenset[Permission]] = {role: _granted(role) for role in ROLES}


def as_role(name: str) -> Role:
    """`name` as a Role, or UnknownRoleError naming the roles there are."""
    for role in ROLES:
        if name == role:
            return role
    raise UnknownRoleError(f"unknown role {name!r}: the roles are {', '.join(ROLES)}")


def permissions_of(role: str) -> tuple[Permission, ...]:
    """What `role` may do, in the order of PERMISSIONS (none for an unknown role)."""
    granted = GRANTS.get(role, frozenset())
    return tuple(p for p in PERMISSIONS if p in granted)


def may(role: str, permission: Permission) -> bool:
    return permission in permissions_of(role)
