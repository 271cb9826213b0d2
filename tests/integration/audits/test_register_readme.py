"""The README's Registers example, run as written: its register imported, the refused row
as the README shows it, a re-import and an export imported again write nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.graph_checks import check_nodes

pytestmark = pytest.mark.neo4j

README = Path(__file__).resolve().parents[3] / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Registers\n") :].split("\n## ", 1)[0]


def block(kind: str) -> str:
    found = re.search(rf"```{kind}\n(.*?)```", section(), re.S)
    assert found is not None, kind
    return found.group(1)


def counts(output: str) -> list[int]:
    """The numbers of the summary table's one row."""
    (row,) = [line for line in output.splitlines() if re.match(r"│ \d", line)]
    return [int(cell) for cell in row.strip("│ ").split("│")]


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.exception or result.output
    return result.output


def test_the_readme_register_example(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any]
) -> None:
    Path("register.csv").write_text(block("csv"), encoding="utf-8")  # the runner's cwd
    output = run(cli, "import", "register", "register.csv")
    for line in block("text").splitlines():
        assert line in output.splitlines()
    # imported, refused, skipped; created: 2 devices, a location, a room, 2 racks, 2 teams,
    # 2 contracts; updated, unchanged
    assert counts(output)[:6] == [2, 1, 1, 10, 0, 0]
    assert check_nodes(graph, "Device", ["name", "serial_number", "warranty_end"]) == {
        ("core-01", "SN-A1", date(2028, 3, 31)),
        ("srv-01", "SRV123", date(2028, 3, 31)),
    }
    after = dump(graph)
    run(cli, "import", "register", "register.csv")
    assert dump(graph) == after
    run(cli, "export", "register", "--out", "export.xlsx")
    again = run(cli, "import", "register", "export.xlsx")
    assert counts(again) == [2, 0, 0, 0, 0, 10, 0, 0]
