"""`cmdb serve` and the end of `cmdb demo`, run as a user runs them (the real entry point,
in a subprocess, on the test DBMS): the server answers README's `curl` example, logs
a JSON line per request, and Ctrl-C stops it cleanly; the demo prints a token and three
example queries that answer, and Ctrl-C leaves Neo4j up."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from cli.demo_api import CORE_SWITCH, EXAMPLES
from cmdb import dbms
from cmdb.config import Config
from cmdb.schema import Schema
from tests.integration.api.conftest import bearer

pytestmark = pytest.mark.neo4j
CMDB = Path(sys.executable).parent / "cmdb"
README = Path(__file__).resolve().parents[2] / "README.md"


def env_of(config: Config) -> dict[str, str]:
    return {**os.environ, "CMDB_DATA_DIR": str(config.data_dir),
            "CMDB_NEO4J_PORT": str(config.port), "COLUMNS": "200"}  # fmt: skip


@contextmanager
def running(
    args: list[str], config: Config, cwd: Path, port: int
) -> Iterator[subprocess.Popen[str]]:
    """`cmdb ARGS` in the background until its API answers on `port`; Ctrl-C at the end."""
    process = subprocess.Popen(
        [str(CMDB), *args], env=env_of(config), cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server did not come up"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def readme_curl(port: int, token: str) -> list[str]:
    """README's `curl` example of the serving section, for this port and token."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## GraphQL API: serving") :]
    line = next(raw for raw in section.splitlines() if raw.startswith("curl "))
    line = line.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("$TOKEN", token)
    return shlex.split(line)


def readme_python(port: int) -> str:
    """README's httpx example of the serving section, for this port."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## GraphQL API: serving") :]
    block = section[section.index("```python\n") + len("```python\n") :]
    return block[: block.index("```")].replace("127.0.0.1:8000", f"127.0.0.1:{port}")


def test_serve_answers_logs_and_stops_on_ctrl_c(
    dbms_config: Config, schema: Schema, graph: neo4j.Driver, tmp_path: Path
) -> None:
    port = dbms.free_port()
    token = bearer(graph, "reader", "curl-reader")["Authorization"].removeprefix("Bearer ")
    with running(["serve", "--port", str(port)], dbms_config, tmp_path, port) as process:
        curl = subprocess.run(readme_curl(port, token), capture_output=True, text=True,
                              timeout=60, check=True)  # fmt: skip
        assert json.loads(curl.stdout) == {"data": {"modelVersion": schema.version}}
        ui = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
        assert ui.status_code == 200 and "<title>CMDB</title>" in ui.text
        taken = subprocess.run([str(CMDB), "serve", "--port", str(port)], env=env_of(dbms_config),
                               cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    out, errors = process.communicate()
    assert process.returncode == 0, out + errors
    assert f"GraphQL API on http://127.0.0.1:{port}/graphql" in out
    assert f"Web UI on http://127.0.0.1:{port}/ (sign in with an API token)" in out
    assert "server stopped" in out and "Traceback" not in out + errors
    logged = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    assert [(line["user"], line["status"]) for line in logged] == [("curl-reader", 200)]
    assert token not in errors
    assert taken.returncode == 1 and "Traceback" not in taken.stderr
    assert taken.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_demo_serves_its_examples_and_ctrl_c_leaves_neo4j_up(
    dbms_config: Config, graph: neo4j.Driver, tmp_path: Path
) -> None:
    port = dbms.free_port()
    args = ["demo", "--no-lab", "--port", str(port)]
    with running(args, dbms_config, tmp_path, port) as process:
        assert process.stdout is not None
        printed = ""
        while not all(query in printed for query in EXAMPLES.values()):
            line = process.stdout.readline()
            assert line, printed  # the demo ended before printing its examples
            printed += line
        token = re.search(r"Demo admin token \(shown once\): (\S+)", printed)
        variables = re.search(r"Example queries \(variables: (\{.*\})\)", printed)
        assert token is not None and variables is not None, printed
        assert f"GraphiQL: http://127.0.0.1:{port}/graphql" in printed
        headers = {"Authorization": f"Bearer {token[1]}"}
        answers: dict[str, dict[str, Any]] = {}
        for name, query in EXAMPLES.items():
            assert query in printed, name
            answer = httpx.post(f"http://127.0.0.1:{port}/graphql", headers=headers, timeout=60,
                                json={"query": query, "variables": json.loads(variables[1])})  # fmt: skip
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
            answers[name] = answer.json()["data"]
        printed_by_python = io.StringIO()
        with redirect_stdout(printed_by_python):
            exec(readme_python(port), {"TOKEN": token[1]})  # README's own text
    assert "'className': 'NetworkDevice', 'status': 'active'}" in printed_by_python.getvalue()
    neighbours, impact, history = answers.values()
    assert neighbours["ci"]["name"] == CORE_SWITCH and neighbours["ci"]["neighbours"]
    assert impact["impact"]["affected"]  # the core switch carries the site's access layer
    assert history["ci"]["name"] == CORE_SWITCH and history["ci"]["history"]["events"]
    out, errors = process.communicate()
    assert process.returncode == 0, out + errors
    assert "Left running: Neo4j (stop it with `cmdb db down`)" in out
    status = subprocess.run([str(CMDB), "db", "status"], env=env_of(dbms_config), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert status.returncode == 0, status.stdout + status.stderr
