"""`cmdb load` checks every change set of every file before it writes any: an invalid
one anywhere leaves the graph as it was, and the error names the file, the line, the
change set's index, the observation and the field. Times past the clock are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.neo4j

GOOD = """\
source: ssh
actor: test
observed_at: 2026-06-01T08:00:00Z
cis:
  - key: s1
    class: Server
    attributes: {serial_number: SN1, model: R640}
"""

TWO_SETS = """\
changesets:
  - source: ssh
    actor: test
    observed_at: 2026-06-02T08:00:00Z
    cis:
      - key: s2
        class: Server
        attributes: {serial_number: SN2}
  - source: ssh
    actor: test
    observed_at: 2026-06-02T09:00:00Z
    cis:
      - key: x
        class: Server
        attributes:
          serial_number: SN3
          cpu_count: eight
"""


def load(cli: CliRunner, *paths: Path) -> tuple[int, str]:
    result = cli.invoke(app, ["load", *map(str, paths)])
    message = str(result.exception) if result.exception else result.output
    return result.exit_code, message


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_invalid_second_changeset_writes_nothing(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path
) -> None:
    assert load(cli, write(tmp_path / "good.yaml", GOOD))[0] == 0
    before = dump(graph)
    bad = write(tmp_path / "two.yaml", TWO_SETS)
    code, message = load(cli, bad)
    assert code != 0 and dump(graph) == before  # the valid first change set is not written
    assert message == (
        f"{bad}:17: changesets[1] (source ssh): cis[0] (key 'x'), "
        "field 'attributes.cpu_count': expected integer, got 'eight'"
    )


def test_every_file_is_checked_before_any_is_written(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path
) -> None:
    before = dump(graph)
    good = write(tmp_path / "good.yaml", GOOD)
    bad = write(tmp_path / "bad.yaml", GOOD.replace("class: Server", "class: Serverr"))
    code, message = load(cli, good, bad)
    assert code != 0 and dump(graph) == before
    assert message == (
        f"{bad}:6: change set (source ssh): cis[0] (key 's1'), field 'class': "
        "unknown class 'Serverr'"
    )


def test_a_shape_error_names_the_changeset_observation_and_field(
    cli: CliRunner, tmp_path: Path
) -> None:
    bad = write(tmp_path / "two.yaml", TWO_SETS.replace("cpu_count: eight", "cpu_count: {n: 8}"))
    code, message = load(cli, bad)
    assert code != 0
    assert message.startswith(
        f"{bad}:17: changesets[1]: cis[0] (key 'x'), field 'attributes.cpu_count"
    )


def test_a_reference_that_does_not_resolve_names_the_file_and_changeset(
    cli: CliRunner, tmp_path: Path
) -> None:
    orphan = TWO_SETS.replace(
        "      - key: x\n        class: Server\n        attributes:\n"
        "          serial_number: SN3\n          cpu_count: eight\n",
        "      - key: eth0\n        class: Interface\n        attributes: {name: eth0}\n"
        "        parent: {class: Server, identifiers: {serial_number: NOSUCH}}\n",
    )
    bad = write(tmp_path / "orphan.yaml", orphan)
    code, message = load(cli, bad)
    assert code != 0
    assert message.startswith(f"{bad}: changesets[1]: change set (source ssh), field 'parent'")
    assert message.endswith("(not written; the change sets before it were)")


def test_an_observed_at_past_the_clock_is_refused(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path
) -> None:
    before = dump(graph)
    future = write(tmp_path / "future.yaml", GOOD.replace("2026-06-01T08:00:00Z", "2099-01-01"))
    code, message = load(cli, future)
    assert code != 0 and dump(graph) == before
    assert message.startswith(
        f"{future}:3: change set (source ssh): field 'observed_at': 2099-01-01T00:00:00+00:00 is "
    )
    assert message.endswith("in the future (more than the clock skew allowed, "
                            "ingest.max_clock_skew_seconds = 300)")  # fmt: skip
    # within the tolerance (a clock a little ahead of ours) it is accepted
    soon = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    ahead = write(tmp_path / "ahead.yaml", GOOD.replace("2026-06-01T08:00:00Z", soon))
    assert load(cli, ahead)[0] == 0


LATE = """\
changesets:
  - {source: ssh, actor: test, observed_at: 2026-06-02T08:00:00Z,
     cis: [{key: s, class: Server, attributes: {serial_number: SN1, model: R750}}]}
  - {source: ssh, actor: test, observed_at: 2026-06-02T07:00:00Z,
     cis: [{key: s, class: Server, attributes: {serial_number: SN1, model: R740}}]}
"""


def test_the_summary_counts_late_facts(cli: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "late.yaml", LATE)
    code, output = load(cli, path)
    assert code == 0, output
    assert (
        f"{path}: changesets[1]: wrote 0 new, 0 changed, 1 unchanged; links +0 -0; "
        "pending 0; conflicts 0; late 1"
    ) in output
