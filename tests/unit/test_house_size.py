"""The house's size rules, checked: no module of the packages over ~400 lines, no
function of the core (`cmdb/`) over 60 lines (issue 10's "done means")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cmdb", "discovery", "cli", "lab")
MODULE_LINES = 420
FUNCTION_LINES = 60


def modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]


@pytest.mark.parametrize("path", modules(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_oversized(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MODULE_LINES, f"{path.relative_to(ROOT)}: {lines} lines"


@pytest.mark.parametrize("path", modules("cmdb"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_function_is_oversized(path: Path) -> None:
    assert long_functions(path) == []


def test_the_checks_see_what_they_check(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    probe = tmp_path / "probe.py"
    probe.write_text(f"def big():\n{body}\n")
    assert long_functions(probe) == [f"big ({FUNCTION_LINES + 1} lines)"]
    assert len(modules(*PACKAGES)) > 100
