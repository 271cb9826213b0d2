"""Our own TextFSM templates, for commands ntc-templates has none for (yet).

`discovery/ssh/templates/<platform>_<command>.textfsm`, written in ntc-templates'
style (lower-case column names in the rows, one template per command) so that they
can be contributed upstream; each has a raw + yml test pair, as upstream's do.
"""

from __future__ import annotations

from pathlib import Path

from textfsm import TextFSM
from textfsm.parser import TextFSMError

from discovery.ssh.errors import ParseError
from discovery.ssh.platforms.base import TemplateRow

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_path(platform: str, command: str) -> Path:
    return TEMPLATES / f"{platform}_{command.replace(' ', '_')}.textfsm"


def parse_own_template(
    platform: str, command: str, data: str, *, header_lines: int = 0
) -> list[TemplateRow]:
    """Rows from our template for (platform, command), as `parse_template` gives
    ntc-templates' rows: blank output is no rows; a failing template, or one that
    matches nothing in output longer than `header_lines` lines, is a ParseError."""
    if not data.strip():
        return []
    try:
        with template_path(platform, command).open(encoding="utf-8") as template:
            rows = TextFSM(template).ParseTextToDicts(data)
    except (OSError, TextFSMError) as exc:
        raise ParseError(platform, command, f"template failed: {exc}") from exc
    if not rows and sum(1 for line in data.splitlines() if line.strip()) > header_lines:
        raise ParseError(platform, command, "template matched nothing in non-empty output")
    return [{key.lower(): value for key, value in row.items()} for row in rows]
