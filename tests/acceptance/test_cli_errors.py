"""Every `cmdb` command, given a bad argument, fails with one clear message and never a
traceback, run as a user runs it: the real entry point, in a subprocess. The commands
come from the typer app, so a new command without a case here fails the test."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
import pytest
import typer.main
import yaml
from typer.core import TyperGroup
from typer.testing import CliRunner

from cli.main import app
from cmdb.config import Config
from lab.config import isolated_config

pytestmark = pytest.mark.neo4j
CMDB = Path(sys.executable).parent / "cmdb"
BAD_PORT = {"CMDB_NEO4J_PORT": "seven"}  # a bad setting: before anything starts or stops
LAB_CONFIG = isolated_config("cmdberr", "127.74.0.0/16", "127.75.0.0/16")


@dataclass(frozen=True)
class Case:
    args: list[str]
    says: str  # what the message must name
    env: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "load": Case(["missing.yaml"], "missing.yaml"),
    "discover": Case(["missing-job.yaml"], "missing-job.yaml"),
    "schedule": Case(["missing-job.yaml"], "missing-job.yaml"),
    "demo": Case(["--no-lab", "--no-serve"], "CMDB_NEO4J_*", BAD_PORT),
    "serve": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "lifecycle": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "db up": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "db down": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "db status": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "schema apply": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "ci show": Case(["no-such-ci"], "no-such-ci"),
    "ci history": Case(["no-such-ci"], "no-such-ci"),
    "ci diff": Case(["no-such-ci", "--from", "last tuesday"], "last tuesday"),
    "ci set": Case(["no-such-ci", "model=X", "--reason", "test"], "no-such-ci"),
    "ci retire": Case(["no-such-ci", "--reason", "test"], "no-such-ci"),
    "change create": Case(["--title", "t", "--start", "next friday", "--end", "2027-01-02",
                           "--ci", "x"], "next friday"),
    "change list": Case(["--state", "sideways"], "sideways"),
    **{f"change {step}": Case(["CHG9999999"], "CHG9999999")
       for step in ("show", "conflicts", "assess", "approve", "reject", "start", "complete",
                    "fail", "review")},
    "impact": Case(["no-such-ci"], "no-such-ci"),
    "audit rules": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "audit run": Case(["--rules", "no-such-rule"], "no-such-rule"),
    "audit runs": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "audit findings": Case(["--severity", "sideways"], "sideways"),
    "audit show": Case(["FND9999999"], "FND9999999"),
    "audit ack": Case(["FND9999999"], "FND9999999"),
    "audit waive": Case(["FND9999999", "--reason", "r", "--until", "someday", "--by", "x"],
                        "someday"),
    "audit reconcile": Case(["missing-register.xlsx"], "missing-register.xlsx"),
    "audit changes": Case(["--since", "last tuesday"], "last tuesday"),
    "import register": Case(["missing.xlsx"], "missing.xlsx"),
    "import points": Case(["missing-points.csv"], "missing-points.csv"),
    "export register": Case(["--out", "r.pdf", "--format", "pdf"], "pdf"),
    "report status": Case(["--period", "2026-13"], "2026-13"),
    "report inspection": Case(["--out", "no-such-folder/r.html"], "no-such-folder"),
    "report audit": Case(["--run", "AUD-no-such-run", "--out", "r.html"], "AUD-no-such-run"),
    "token create": Case(["--name", "x", "--role", "root"], "root"),
    "token list": Case([], "CMDB_NEO4J_*", BAD_PORT),
    "token revoke": Case(["no-such-token"], "no-such-token"),
    # on a lab config of its own (LAB_CONFIG), should the case ever start a lab
    "lab up": Case(["--data", "missing-dir", "--config", "lab.yaml", "--no-linux"],
                   "missing-dir"),
    "lab down": Case(["--state-dir", "a-file"], "a-file"),  # refused before anything stops
    "lab status": Case(["--state-dir", "a-file"], "a-file"),
    "collector run": Case(["--site", "branch-a", "--config", "missing.yaml"], "missing.yaml"),
    "hub assign": Case(["missing-job.yaml"], "missing-job.yaml"),
    "hub init": Case(["kit", "--site", "Paris", "--hub-address", "hub.example.net"],
                     "site name 'Paris' is not valid"),
    "hub add-site": Case(["no-kit", "--site", "nice"],
                         "no-kit/kit.yaml not found: no-kit is not a kit"),
    # port 1 on loopback: nothing listens, the connection is refused at once
    "hub ingest": Case(["--hub", "nats://127.0.0.1:1"],
                       "cannot reach the hub's NATS server at nats://127.0.0.1:1"),
}


def commands() -> list[str]:
    """Every leaf command of the `cmdb` app, as words: `ci show`, `db up`, ..."""
    found: list[str] = []

    def walk(command: object, words: list[str]) -> None:
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, [*words, name])
        else:
            found.append(" ".join(words))

    walk(typer.main.get_command(app), [])
    return sorted(found)


def run_cmdb(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CMDB), *args], cwd=cwd, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def local_env(config: Config) -> dict[str, str]:
    return {"CMDB_DATA_DIR": str(config.data_dir), "CMDB_NEO4J_PORT": str(config.port),
            "COLUMNS": "200"}  # fmt: skip


def assert_one_clear_error(result: subprocess.CompletedProcess[str], says: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    assert says in output, output
    if result.returncode == 1:  # ours (2 is click's usage error, a short panel)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_every_command_has_a_bad_argument_case() -> None:
    assert sorted(CASES) == commands(), "add a bad-argument case for each new command"


@pytest.mark.parametrize("command", commands())
def test_a_bad_argument_is_one_clear_error(
    command: str, graph: neo4j.Driver, dbms_config: Config, tmp_path: Path
) -> None:
    case = CASES[command]
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "lab.yaml").write_text(yaml.safe_dump(LAB_CONFIG.model_dump()))
    result = run_cmdb([*command.split(), *case.args], tmp_path,
                      {**local_env(dbms_config), **case.env})  # fmt: skip
    assert_one_clear_error(result, case.says)


@pytest.mark.parametrize("command", commands())
def test_an_unknown_option_is_a_usage_error(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--no-such-option"])
    assert result.exit_code == 2 and "No such option" in result.output, result.output


def test_dbms_down_from_the_start(tmp_path: Path) -> None:
    stopped = Config(data_dir=tmp_path / "neo4j", port=1)  # no DBMS was ever started there
    estate = tmp_path / "estate.yaml"
    estate.write_text("source: register\nactor: t\ncis: []\n")
    for args in (["load", str(estate)], ["ci", "show", "web-01"], ["lifecycle"]):
        result = run_cmdb(args, tmp_path, local_env(stopped))
        assert result.returncode == 1
        assert_one_clear_error(result, "is not running: start it with `cmdb db up`")


def test_db_status_exit_code_says_running_or_stopped(dbms_config: Config, tmp_path: Path) -> None:
    running = run_cmdb(["db", "status"], tmp_path, local_env(dbms_config))
    assert running.returncode == 0 and "running" in running.stdout, running.stdout
    assert "version 5.26." in running.stdout, running.stdout  # the server's, asked over Bolt
    stopped = Config(data_dir=tmp_path / "neo4j", port=1)
    result = run_cmdb(["db", "status"], tmp_path, local_env(stopped))
    assert result.returncode == 3 and "stopped" in result.stdout, result.stdout
    assert result.stderr == ""


def test_demo_failing_at_the_lab_says_what_is_left_running(
    graph: neo4j.Driver, dbms_config: Config, tmp_path: Path
) -> None:
    env = {**local_env(dbms_config), "CMDB_LAB_DATA": str(tmp_path / "no-lab-data")}
    result = run_cmdb(["demo"], tmp_path, env)
    assert result.returncode == 1
    assert_one_clear_error(result, "`cmdb demo` failed finding the lab's recordings")
    assert "no-lab-data" in result.stderr
    assert "Left running: Neo4j (stop it with `cmdb db down`)" in result.stderr


def test_demo_failing_to_start_neo4j_says_nothing_is_left_running(
    dbms_config: Config, tmp_path: Path
) -> None:
    # a fresh data folder on the port the test DBMS holds: the start is refused at once
    taken = Config(data_dir=tmp_path / "neo4j", port=dbms_config.port)
    result = run_cmdb(["demo"], tmp_path, local_env(taken))
    assert result.returncode == 1
    assert_one_clear_error(result, "`cmdb demo` failed starting Neo4j")
    assert f"127.0.0.1:{dbms_config.port} is taken" in result.stderr
    assert "Nothing is left running" in result.stderr
