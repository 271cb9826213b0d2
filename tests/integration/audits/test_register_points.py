"""`cmdb import points` on the real Neo4j: an information-point table (信息点表) as
InformationPoint CIs, each PATCHED_TO the port of the switch `cmdb load` recorded; rows
without a point id or with half a switch port refused; a port not on record waits as a
pending link; a re-import writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.graph_checks import check_nodes, check_rels

pytestmark = pytest.mark.neo4j

SWITCH = """\
source: ssh
actor: test
cis:
  - key: sw
    class: NetworkDevice
    attributes: {serial_number: SW-1, hostname: sw-01}
  - {key: p1, class: Interface, parent: {ref: sw}, attributes: {name: Gi1/0/1}}
  - {key: p2, class: Interface, parent: {ref: sw}, attributes: {name: Gi1/0/2}}
"""

POINTS = """\
信息点表,,,,
信息点编号,房间,交换机,端口,终端
P-001,301,sw-01,Gi1/0/1,PC-张三
P-002,302,sw-01,,打印机
P-003,303,,,
,304,sw-01,Gi1/0/2,
P-004,305,sw-01,Gi1/0/9,PC
,,,,
合计,,,,3
"""


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.exception or result.output
    return result.output


def test_points_are_patched_to_switch_ports(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "sw.yaml").write_text(SWITCH, encoding="utf-8")
    run(cli, "load", str(tmp_path / "sw.yaml"))
    table = tmp_path / "points.csv"
    table.write_text(POINTS, encoding="utf-8")
    output = run(cli, "import", "points", str(table))
    assert (
        f"refused: {table}, row 4: a switch port needs both the switch (交换机) and the port (端口)"
        in output
    )
    assert f"refused: {table}, row 6: no point id (信息点编号)" in output
    assert check_nodes(graph, "InformationPoint", ["point_id", "name", "room", "endpoint"]) == {
        ("P-001", "P-001", "301", "PC-张三"), ("P-003", "P-003", "303", None),
        ("P-004", "P-004", "305", "PC")}  # fmt: skip
    assert check_rels(graph, "InformationPoint", "PATCHED_TO", "Interface",
                      ["a.point_id", "b.name", "r.source"], open_only=True) == {
        ("P-001", "Gi1/0/1", "register")}  # fmt: skip
    # P-004's port is not on record: its link waits (pending) until discovery records it
    assert (
        "│ 3             │ 2       │ 2                         │ 3       │ 0       │ 0         │ 1            │ 1 "
        in output
    )
    after = dump(graph)
    run(cli, "import", "points", str(table))
    assert dump(graph) == after
