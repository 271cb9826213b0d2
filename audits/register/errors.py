"""The register's one exception: a file, sheet or mapping that cannot be read at all.
A bad row is no exception: it is a RowProblem, reported and skipped."""

from __future__ import annotations

from cmdb.errors import CMDBError


class RegisterError(CMDBError):
    """A register or mapping file that cannot be imported: the message names it."""
