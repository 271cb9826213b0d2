"""The contract every platform module meets, and the ntc-templates bridge.

A platform is data: the commands to run, a pure parser per command, and
optional parsers that need several commands' output at once (a Linux host's
facts, an Arista's version plus hostname). `Platform.parse` runs them all and
turns each `ParseError` into a per-command failure, so one bad template never
loses the other commands' rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ntc_templates.parse import ParsingException, parse_output
from textfsm.clitable import Error as CliTableError
from textfsm.parser import TextFSMError

from discovery.ssh.errors import ParseError
from discovery.ssh.records import LinkStatus, Record

TemplateRow = dict[str, object]
CommandParser = Callable[[str], tuple[Record, ...]]
CombinedParser = Callable[[Mapping[str, str]], tuple[Record, ...]]
R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class Command:
    """One command a platform runs. `key` names it in outputs and failures (and picks
    its parser). `fallbacks`: other spellings of the same command, tried in order when
    the device rejects the one before (older IOS knows only ``show mac-address-table``);
    the parser reads each one's output."""

    key: str
    cli: str
    required: bool = True  # an optional command may legitimately fail or be empty
    fallbacks: tuple[str, ...] = ()

    @staticmethod
    def show(cli: str, *, required: bool = True, fallbacks: tuple[str, ...] = ()) -> Command:
        return Command(key=cli, cli=cli, required=required, fallbacks=fallbacks)


@dataclass(frozen=True, slots=True)
class Combined:
    """A parser over several commands' outputs (absent keys are simply missing)."""

    keys: tuple[str, ...]
    parse: CombinedParser


@dataclass(frozen=True, slots=True)
class ParsedTarget:
    """Everything parsed from one target's outputs, plus what failed to parse."""

    platform: str
    records: tuple[Record, ...]
    failures: Mapping[str, ParseError] = field(default_factory=dict)

    def of(self, kind: type[R]) -> tuple[R, ...]:
        return tuple(r for r in self.records if isinstance(r, kind))


@dataclass(frozen=True, slots=True)
class Platform:
    name: str  # ours and ntc-templates' platform name
    vendor: str
    device_type: str  # netmiko's device_type
    commands: tuple[Command, ...]
    parsers: Mapping[str, CommandParser]
    combined: tuple[Combined, ...] = ()
    # Lines that mean the device rejected a command (checked by the collector).
    error_markers: tuple[str, ...] = ()

    def command(self, key: str) -> Command:
        for cmd in self.commands:
            if cmd.key == key:
                return cmd
        raise KeyError(key)

    def parse(self, outputs: Mapping[str, str]) -> ParsedTarget:
        """Parse every output this platform knows; unknown keys are ignored."""
        records: list[Record] = []
        failures: dict[str, ParseError] = {}
        for key, text in outputs.items():
            parser = self.parsers.get(key)
            if parser is None:
                continue
            try:
                records.extend(parser(text))
            except ParseError as err:
                failures[key] = err
        for combo in self.combined:
            present = {k: outputs[k] for k in combo.keys if k in outputs}
            if not present:
                continue
            try:
                records.extend(combo.parse(present))
            except ParseError as err:
                failures[err.command] = err
        return ParsedTarget(platform=self.name, records=tuple(records), failures=failures)


def parse_template(
    platform: str, command: str, data: str, *, header_lines: int = 0
) -> list[TemplateRow]:
    """Rows from the ntc-templates template for (platform, command).

    Blank output gives no rows. A missing or failing template, or a template that
    matches nothing in output longer than `header_lines` non-blank lines (a table
    that is legitimately empty still prints its header), is a ParseError: raw
    text is never passed on.
    """
    if not data.strip():
        return []
    try:
        rows = parse_output(platform=platform, command=command, data=data)
    except (ParsingException, TextFSMError, CliTableError) as exc:
        raise ParseError(platform, command, f"template failed: {exc}") from exc
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ParseError(platform, command, "template returned something other than rows")
    if not rows:
        data_lines = sum(1 for line in data.splitlines() if line.strip())
        if data_lines > header_lines:
            raise ParseError(platform, command, "template matched nothing in non-empty output")
    return [dict(row) for row in rows]


def link_status(word: str | None) -> LinkStatus | None:
    """Map a device's status word to up/down; None for words that are neither."""
    if word is None or not word.strip():
        return None
    lowered = word.strip().lower()
    if lowered in _UP_WORDS:
        return "up"
    if "down" in lowered or lowered in _DOWN_WORDS:
        return "down"
    return None


def admin_from_line(line_status: str | None) -> LinkStatus | None:
    """Admin state from a one-word line state, as IOS and EOS print it.

    Only "administratively down" / "admin down" / "disabled" mean the port is shut;
    a plain "down" is a port that is enabled but has no link.
    """
    if line_status is None or not line_status.strip():
        return None
    lowered = line_status.strip().lower()
    if (lowered.startswith("admin") and "down" in lowered) or lowered == "disabled":
        return "down"
    return "up"


_UP_WORDS = frozenset({"up", "enabled", "admin-up", "link-up", "protocol-up", "u", "connected"})
_DOWN_WORDS = frozenset({"notconnect", "err-disabled", "disabled", "deleted", "d"})
