"""`cmdb audit reconcile` refuses a register it cannot read with one line naming it, before
it opens the graph (no DBMS runs for these tests)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from audits.register.errors import RegisterError
from cli.main import app


def test_a_missing_register_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "reconcile", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 1
    assert isinstance(result.exception, RegisterError)
    assert str(result.exception) == f"{tmp_path / 'none.xlsx'}: no such file"


def test_a_file_without_a_register_header_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "reconcile", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, RegisterError)
    assert str(result.exception).startswith(f"{path}: no header row")
