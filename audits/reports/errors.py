"""The reports' errors: each names what the user gave that is wrong (a period, a format,
a language, an audit run, the output path)."""

from __future__ import annotations

from audits.errors import AuditError


class ReportError(AuditError):
    """A report could not be made as asked."""
