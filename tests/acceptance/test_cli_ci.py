"""`cmdb ci show|history|diff` as a person reads them: times, other CIs by name and class,
relationships in natural order, and what a diff says when there is nothing to compare."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app
from cmdb.errors import CMDBError
from cmdb.timespec import TimeSpecError
from tests.graph_checks import check_rels

pytestmark = pytest.mark.neo4j

PORTS = ["Te1/0/10", "Te1/0/2", "Te1/0/1", "Te1/0/9", "Te1/1/1", "Te1/0/3", "Te1/0/20"]
CREATED = datetime.now(UTC) - timedelta(hours=3)
LINKED = CREATED + timedelta(hours=1)

ESTATE = f"""\
source: register
actor: importer
observed_at: {CREATED.isoformat()}
reason: device register
cis:
  - {{key: sw, class: NetworkDevice, attributes: {{serial_number: FOC0001, hostname: core-01,
      model: C9500, tags: [bgp, ospf], warranty_end: 2027-12-31}}}}
  - {{key: acc, class: NetworkDevice, attributes: {{serial_number: FOC0002, hostname: acc-01}}}}
  - {{key: up, class: Interface, parent: {{ref: acc}}, attributes: {{name: Gi1/1/1}}}}
  - {{key: team, class: Team, attributes: {{name: Network Operations}}}}
"""
ESTATE += "".join(
    f"  - {{key: p{i}, class: Interface, parent: {{ref: sw}}, attributes: {{name: {port}}}}}\n"
    for i, port in enumerate(PORTS)
)
ESTATE += "links:\n  - {type: OWNED_BY, source: {ref: sw}, target: {ref: team}}\n"

UPLINK = f"""\
source: manual
actor: alice
observed_at: {LINKED.isoformat()}
reason: patched the uplink CHG0007
cis:
  - {{key: sw, class: NetworkDevice, attributes: {{serial_number: FOC0001}}}}
  - {{key: acc, class: NetworkDevice, attributes: {{serial_number: FOC0002}}}}
  - {{key: p, class: Interface, parent: {{ref: sw}}, attributes: {{name: Te1/0/2}}}}
  - {{key: up, class: Interface, parent: {{ref: acc}}, attributes: {{name: Gi1/1/1}}}}
links:
  - {{type: CONNECTED_TO, evidence: manual, source: {{ref: p}}, target: {{ref: up}}}}
"""


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def fails(cli: CliRunner, *args: str) -> str:
    """The one error a command stops with (cmdb's main prints it as one line)."""
    result = cli.invoke(app, list(args))
    assert result.exit_code != 0 and isinstance(result.exception, CMDBError), result.output
    return str(result.exception)


@pytest.fixture
def estate(cli: CliRunner, tmp_path: Path) -> CliRunner:
    for name, text in (("estate.yaml", ESTATE), ("uplink.yaml", UPLINK)):
        (tmp_path / name).write_text(text)
        run(cli, "load", str(tmp_path / name))
    return cli


def test_show_lists_relationships_by_type_then_natural_name(estate: CliRunner) -> None:
    out = run(estate, "ci", "show", "core-01")
    rows = re.findall(r"│ (\w+)\s+│ (in|out)\s+│ (.+?) \((\w+)\)", out)
    assert rows == [
        ("HAS_INTERFACE", "out", p, "Interface") for p in sorted(PORTS, key=_natural)
    ] + [("OWNED_BY", "out", "Network Operations", "Team")]
    assert re.search(r"tags\s+│ bgp, ospf\s+│", out) and re.search(
        r"warranty_end\s+│ 2027-12-31\s", out
    )
    assert re.search(r"first_seen\s+│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+│", out), out


def _natural(port: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", port)]


def test_history_reads_as_a_person_reads_it(estate: CliRunner, graph: neo4j.Driver) -> None:
    run(estate, "ci", "set", "core-01", "model=C9500-48Y4C", "--reason", "delivery note")
    port = _uid_of_port(graph, "Te1/0/2")
    out = run(estate, "ci", "history", port)
    assert "datetime.datetime" not in out and "{'" not in out
    linked = LINKED.strftime("%Y-%m-%d %H:%M:%SZ")
    assert re.search(
        rf"│ {linked} │ link opened │\s+│ CONNECTED_TO <-> Gi1/1/1 \(Interface\) on acc-01 │"
        r" manual\s+│ alice\s+│ patched the uplink CHG0007", out
    ), out  # fmt: skip
    assert "HAS_INTERFACE <- core-01 (NetworkDevice)" in out
    assert "created" in out and "Te1/0/2 (Interface) on core-01" in out
    out = run(estate, "ci", "history", "core-01")
    assert re.search(r"│ model\s+│ C9500\s+│ C9500-48Y4C\s+│ manual\s+│ cli\s+│ delivery note", out)


def _uid_of_port(graph: neo4j.Driver, name: str) -> str:
    """A port's uid (ports are found by uid: their names repeat across devices)."""
    [(uid,)] = check_rels(graph, "CI", "HAS_INTERFACE", "CI", ["b.uid"],
                          match_from={"name": "core-01"}, match_to={"name": name})  # fmt: skip
    return str(uid)


def test_diff_names_links_and_says_what_it_compared(estate: CliRunner, graph: neo4j.Driver) -> None:
    before, after = (LINKED - timedelta(minutes=5)).isoformat(), "now"
    out = run(estate, "ci", "diff", "acc-01", "--from", before, "--to", after)
    assert "no differences" in out  # the uplink is its port's, not the device's
    port = _uid_of_port(graph, "Te1/0/2")
    out = run(estate, "ci", "diff", port, "--from", before, "--to", after)
    assert re.search(r"link opened\s+│\s+│ CONNECTED_TO <-> Gi1/1/1 \(Interface\) on acc-01", out)
    out = run(estate, "ci", "diff", "core-01", "--from", before, "--to", "-1m")
    assert "no differences" in out and "┃" not in out  # said, not an empty table
    out = run(estate, "ci", "diff", "core-01", "--from", "-1w")
    created = CREATED.strftime("%Y-%m-%d %H:%M:%SZ")
    assert (
        "did not exist at --from" in out
        and f"(created {created}): compared from its creation" in out
    )
    assert "no differences" in out


def test_diff_and_show_refuse_what_cannot_be_answered(estate: CliRunner) -> None:
    message = fails(estate, "ci", "diff", "core-01", "--from", "-1h", "--to", "-2h")
    assert message.startswith("--from '-1h' (") and "is after --to '-2h'" in message
    message = fails(estate, "ci", "diff", "core-01", "--from", "-2w", "--to", "-1w")
    created = CREATED.strftime("%Y-%m-%d %H:%M:%SZ")
    assert "CI core-01 did not exist at --to" in message and f"(created {created})" in message
    message = fails(estate, "ci", "show", "core-01", "--as-of", "next tuesday")
    assert message.startswith("--as-of 'next tuesday' is not a time: use an ISO time")
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    result = estate.invoke(app, ["ci", "show", "core-01", "--as-of", future])
    assert isinstance(result.exception, TimeSpecError) and "in the future" in str(result.exception)


def test_show_before_creation_says_so_and_shows_it_as_created(estate: CliRunner) -> None:
    run(estate, "ci", "set", "core-01", "model=C9500-48Y4C", "--reason", "delivery note")
    out = run(estate, "ci", "show", "core-01", "--as-of", "-1w")
    created = CREATED.strftime("%Y-%m-%d %H:%M:%SZ")
    assert "core-01 did not exist at" in out and f"(created {created}): shown as created" in out
    assert "C9500-48Y4C" not in out and re.search(r"model\s+│ C9500\s", out)
    out = run(estate, "ci", "show", "core-01", "--as-of", "-90m")
    assert "did not exist" not in out and "C9500-48Y4C" not in out
