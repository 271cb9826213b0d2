"""The DBMS killed in the middle of `cmdb load`: one error line that says the change set in
flight was not written and what to run, no traceback, no half minute of driver retries
(the process ends within the test's timeout), and the landed change sets are whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.schema import Schema
from tests.graph_checks import check_nodes

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
CMDB = Path(sys.executable).parent / "cmdb"
SETS, SERVERS = 20, 400


def write_changesets(path: Path) -> None:
    """SETS change sets of SERVERS servers, each with an interface: a few seconds each."""
    sets = []
    for n in range(SETS):
        cis = []
        for s in range(SERVERS):
            cis.append({"key": f"s{s}", "class": "Server",
                        "attributes": {"serial_number": f"LOST{n}-{s}"}})  # fmt: skip
            cis.append({"key": f"i{s}", "class": "Interface", "parent": {"ref": f"s{s}"},
                        "attributes": {"name": "eth0", "mac": mac(n, s)}})  # fmt: skip
        sets.append({"source": "ssh", "actor": "lost", "scope": f"target-{n}",
                     "observed_at": f"2026-02-01T00:{n:02d}:00Z", "cis": cis})  # fmt: skip
    path.write_text(json.dumps({"changesets": sets}), encoding="utf-8")


def expected_cis(n: int) -> list[tuple[str, str]]:
    """(serial, MAC) of the CIs of change set `n` ('' where a CI has none), sorted."""
    servers = [(f"LOST{n}-{s}", "") for s in range(SERVERS)]
    return sorted([*servers, *(("", mac(n, s)) for s in range(SERVERS))])


def mac(n: int, s: int) -> str:
    return f"02:01:00:{n:02x}:{s >> 8:02x}:{s & 255:02x}"


@pytest.fixture
def own_dbms(tmp_path: Path, schema: Schema) -> Iterator[Config]:
    """A DBMS of this test's own (it is killed), the schema applied."""
    config = Config(data_dir=tmp_path / "neo4j", port=dbms.free_port(), heap_mb=1024,
                    pagecache_mb=256)  # fmt: skip
    dbms.up(config)
    try:
        with connect(config) as driver:
            migrations.apply(driver, schema)
        yield config
    finally:
        dbms.down(config)


def test_sigkill_mid_load_is_one_error_line(own_dbms: Config, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    write_changesets(big)
    env = {**os.environ, "CMDB_DATA_DIR": str(own_dbms.data_dir),
           "CMDB_NEO4J_PORT": str(own_dbms.port), "COLUMNS": "300"}  # fmt: skip
    env.pop("NEO4J_URI", None)
    load = subprocess.Popen([str(CMDB), "load", str(big)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert load.stdout is not None
    written = [load.stdout.readline(), load.stdout.readline()]  # two change sets landed
    assert all("wrote" in line for line in written), written
    dbms.kill(own_dbms)
    out, err = load.communicate(timeout=60)  # the driver's retries alone took ~30 s
    assert load.returncode == 1, err
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "went away during `cmdb load`: the change set in flight was not written" in lines[0]
    assert "start it with `cmdb db up`, then run the same command again" in lines[0]

    dbms.up(own_dbms)  # what was reported as written is there, whole
    with connect(own_dbms) as driver:
        scope_of = dict(check_nodes(driver, "ChangeSet", ["id", "scope"]))
        cis = check_nodes(driver, "CI", ["uid", "_cs", "serial_number", "mac"])
    landed: dict[str, list[tuple[str, str]]] = {str(scope): [] for scope in scope_of.values()}
    for _uid, cs, serial, mac in cis:  # a CI of no change set would be a KeyError
        landed[str(scope_of[cs])].append((str(serial or ""), str(mac or "")))
    reported = len(written) + out.count("wrote")  # the one in flight may have committed
    assert reported <= len(landed) <= reported + 1 < SETS
    # each landed change set is whole: every CI it writes, once
    assert {scope: sorted(rows) for scope, rows in landed.items()} == {
        f"target-{n}": expected_cis(n) for n in range(len(landed))
    }
