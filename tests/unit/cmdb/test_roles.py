"""The role table: reader < engineer < reviewer, auditor < admin, each role holding what
the roles below it hold."""

from __future__ import annotations

import pytest

from cmdb.errors import CMDBError
from cmdb.roles import PERMISSIONS, ROLES, as_role, may, permissions_of


def below(lower: str, upper: str) -> bool:
    return set(permissions_of(lower)) < set(permissions_of(upper))


def test_the_chain_reader_engineer_reviewer_admin() -> None:
    assert below("reader", "engineer")
    assert below("engineer", "reviewer")
    assert below("reviewer", "admin")


def test_auditor_stands_above_engineer_beside_reviewer() -> None:
    assert below("engineer", "auditor")
    assert below("auditor", "admin")
    assert not below("auditor", "reviewer")
    assert not below("reviewer", "auditor")
    assert permissions_of("auditor") != permissions_of("reviewer")


def test_admin_holds_every_permission_and_reader_only_read() -> None:
    assert permissions_of("admin") == PERMISSIONS
    assert permissions_of("reader") == ("read",)


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        ("engineer", "edit_cis", True),
        ("reader", "edit_cis", False),
        ("reviewer", "approve_changes", True),
        ("auditor", "approve_changes", False),
        ("auditor", "run_audits", True),
        ("reviewer", "run_audits", False),
        ("reviewer", "manage_tokens", False),
        ("admin", "manage_tokens", True),
    ],
)
def test_may(role: str, permission: str, expected: bool) -> None:
    assert may(role, permission) is expected  # type: ignore[arg-type]


def test_an_unknown_role_holds_nothing_and_is_refused_by_name() -> None:
    assert permissions_of("root") == ()
    with pytest.raises(CMDBError, match=r"unknown role 'root': the roles are reader, engineer"):
        as_role("root")
    assert [as_role(role) for role in ROLES] == list(ROLES)
