"""The audits' exception tree: every error names what the user gave that is wrong (a
rule file and its line, a finding, an option)."""

from __future__ import annotations

from cmdb.errors import CMDBError


class AuditError(CMDBError):
    """An audit could not be run or a finding could not be changed as asked."""


class RuleFileError(AuditError):
    """A rule file is invalid: the message names the file, the line and the reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
