"""`cmdb token create|list|revoke` as a user drives them: the secret once, alone on
stdout, and only its hash in the graph; the list never shows a secret; a taken name, a
bad role or expiry, an unknown token: one error naming it."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app
from cmdb.config import Config
from cmdb.tokens import TokenError, list_tokens

pytestmark = pytest.mark.neo4j
CMDB = Path(sys.executable).parent / "cmdb"
SECRET = re.compile(r"cmdb_[A-Za-z0-9_-]{43}")


def create(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, ["token", "create", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert SECRET.fullmatch(secret), result.stdout  # the secret alone on stdout
    assert secret not in result.stderr
    return secret


def rows(cli: CliRunner) -> dict[str, list[str]]:
    """`cmdb token list`'s table: cells by token name."""
    result = cli.invoke(app, ["token", "list"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not SECRET.search(result.stdout)
    lines = result.stdout.replace("┃", "│").splitlines()  # the header has heavy bars
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines]
    table = [row for row in cells if row]
    assert table[0] == ["name", "role", "state", "created", "expires", "revoked"]
    return {row[0]: row for row in table[1:]}


def test_create_shows_the_secret_once_and_the_graph_keeps_its_hash(
    cli: CliRunner, graph: neo4j.Driver
) -> None:
    result = cli.invoke(app, ["token", "create", "--name", "ci-bot", "--role", "engineer"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert SECRET.fullmatch(secret)
    assert "token 'ci-bot' created, role engineer, does not expire" in result.stderr
    records, _, _ = graph.execute_query("MATCH (t:ApiToken) RETURN properties(t) AS p")
    [stored] = [r["p"] for r in records]
    assert stored["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.removeprefix("cmdb_") not in str(stored)
    assert create(cli, "--name", "other", "--role", "engineer") != secret


def test_list_shows_role_state_and_times_never_the_secret(
    cli: CliRunner, graph: neo4j.Driver
) -> None:
    create(cli, "--name", "auditor-1", "--role", "auditor", "--expires", "2099-01-31")
    create(cli, "--name", "ci-bot", "--role", "engineer", "--expires", "90d")
    create(cli, "--name", "leaver", "--role", "reader")
    revoked = cli.invoke(app, ["token", "revoke", "leaver"], catch_exceptions=False)
    assert revoked.stdout.strip() == "token 'leaver' revoked"
    table = rows(cli)
    assert sorted(table) == ["auditor-1", "ci-bot", "leaver"]
    assert table["auditor-1"][1:3] == ["auditor", "active"]
    assert table["auditor-1"][4] == "2099-01-31 00:00:00Z"
    in_90_days = datetime.now(UTC) + timedelta(days=90)
    assert table["ci-bot"][4][:10] in {
        (in_90_days + timedelta(minutes=m)).strftime("%Y-%m-%d") for m in (-5, 0)
    }
    assert table["leaver"][1:3] == ["reader", "revoked"]
    assert table["leaver"][5] != "-" and table["ci-bot"][5] == "-"
    again = cli.invoke(app, ["token", "revoke", "leaver"], catch_exceptions=False)
    assert again.stdout.startswith("token 'leaver' was revoked already, at ")
    assert rows(cli)["leaver"][5] == table["leaver"][5]  # the first time stays


def test_a_taken_name_is_refused_and_the_first_token_kept(
    cli: CliRunner, graph: neo4j.Driver
) -> None:
    create(cli, "--name", "ci-bot", "--role", "reader")
    with pytest.raises(TokenError, match=r"a token named 'ci-bot' exists already"):
        cli.invoke(app, ["token", "create", "--name", "ci-bot", "--role", "admin"],
                   catch_exceptions=False)  # fmt: skip
    assert [(t.name, t.role) for t in list_tokens(graph)] == [("ci-bot", "reader")]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["create", "--name", "x", "--role", "root"], "unknown role 'root': the roles are reader"),
        (["create", "--name", "x y", "--role", "reader"], "token name 'x y': 1 to 64 letters"),
        (["create", "--name", "x", "--role", "reader", "--expires", "soon"],
         "--expires 'soon' is not a date or time"),
        (["create", "--name", "x", "--role", "reader", "--expires", "2020-01-01"],
         "--expires '2020-01-01' is not in the future"),
        (["revoke", "nobody"], "no token named 'nobody'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_error_and_writes_nothing(
    graph: neo4j.Driver, dbms_config: Config, tmp_path: Path, args: list[str], says: str
) -> None:
    env = {**os.environ, "CMDB_DATA_DIR": str(dbms_config.data_dir),
           "CMDB_NEO4J_PORT": str(dbms_config.port)}  # fmt: skip
    result = subprocess.run([str(CMDB), "token", *args], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {says}"), line
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert list_tokens(graph) == []
