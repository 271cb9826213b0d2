"""`cmdb lab up` without the optional extra `lab` (asyncssh, snmpsim-data): one line
naming what to install, never an ImportError traceback. The packages are made
unimportable in a fresh interpreter (None in sys.modules) rather than uninstalled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WITHOUT = """\
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # `import name` now raises ImportError
from cli.main import main
sys.argv = ["cmdb", *sys.argv[2:]]
main()
"""


def cmdb_without(modules: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT, modules, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    ("modules", "named"),
    [("asyncssh", "asyncssh"), ("snmpsim_data", "snmpsim-data"),
     ("asyncssh,snmpsim_data", "asyncssh, snmpsim-data")],
)  # fmt: skip
def test_lab_up_without_the_extra_says_what_to_install(
    tmp_path: Path, modules: str, named: str
) -> None:
    state_dir = tmp_path / "lab"
    result = cmdb_without(modules, "lab", "up", "--state-dir", str(state_dir))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.replace("\n", " ").strip() == (
        f"lab up failed: the device lab needs {named}, in the optional extra `lab`: pip "
        "install -e '.[lab]' (make demo and make test install it)"
    )
    assert not state_dir.exists()  # nothing was started or written


def test_other_commands_run_without_the_extra() -> None:
    result = cmdb_without("asyncssh,snmpsim_data", "discover", "--help")
    assert result.returncode == 0, result.stderr
    assert "--secrets" in result.stdout
