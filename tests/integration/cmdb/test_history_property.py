"""History property: after any sequence of updates and link changes, reading as of each
recorded time returns exactly the state at that time, and the diff between any two
times equals the composed changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmdb import history
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SERVERS = ["S1", "S2", "S3"]
APPS = ["billing", "shop"]
WIPE = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"

attr_change = st.tuples(
    st.sampled_from(SERVERS),
    st.sampled_from(["model", "os_version", "cpu_count"]),
    st.one_of(st.sampled_from(["R640", "R750", "12", "13"]), st.integers(1, 4)),
)
step = st.tuples(
    st.lists(attr_change, max_size=3),
    st.sets(st.tuples(st.sampled_from(APPS), st.sampled_from(SERVERS)), max_size=4),
)


def changeset(
    at: datetime, attrs: dict[str, dict[str, Any]], links: set[tuple[str, str]]
) -> ChangeSet:
    cis = [
        {"key": s, "class": "Server", "attributes": {"serial_number": s, **attrs[s]}}
        for s in SERVERS
    ]
    cis += [{"key": a, "class": "Application", "attributes": {"name": a}} for a in APPS]
    return ChangeSet.model_validate({
        "source": "ssh", "actor": "prop", "observed_at": at, "scope": "estate",
        "cis": cis,
        "links": [{"type": "RUNS_ON", "source": {"ref": a}, "target": {"ref": s}} for a, s in sorted(links)],
    })  # fmt: skip


def typed(attr: str, value: Any) -> Any:
    if attr == "cpu_count":
        return value if isinstance(value, int) else len(str(value))
    return str(value)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=7))
def test_as_of_equals_state_at_every_time(
    driver: neo4j.Driver, schema: Schema, config: Config,
    steps: list[tuple[list[tuple[str, str, Any]], set[tuple[str, str]]]],
) -> None:  # fmt: skip
    driver.execute_query(WIPE)
    ing = Ingestor(driver, schema, config)
    attrs: dict[str, dict[str, Any]] = {s: {} for s in SERVERS}
    snapshots: list[tuple[datetime, dict[str, dict[str, Any]], set[tuple[str, str]]]] = []
    uids: dict[str, str] = {}
    for n, (changes, links) in enumerate(steps):
        for server, attr, value in changes:
            attrs[server][attr] = typed(attr, value)
        at = T0 + timedelta(hours=n)
        result = ing.ingest(changeset(at, attrs, links))
        uids.update(result.uids)
        snapshots.append((at, {s: dict(a) for s, a in attrs.items()}, set(links)))

    by_uid = {u: k for k, u in uids.items()}
    for at, expected, links in snapshots:
        for probe in (at, at + timedelta(minutes=30)):  # at the write and between writes
            with driver.session() as session:
                states = session.execute_read(
                    lambda tx, p=probe: history.states_as_of(tx, list(by_uid), p)
                )
                got_links = session.execute_read(
                    lambda tx, p=probe: history.links_as_of(tx, [uids[a] for a in APPS], p)
                )
            for server in SERVERS:
                state = states[uids[server]]
                got = {k: state.get(k) for k in ("model", "os_version", "cpu_count") if k in state}
                assert got == expected[server], (probe, server)
            run_links = {
                (by_uid[lk["uid"]], by_uid[lk["other"]])
                for lk in got_links
                if lk["type"] == "RUNS_ON"
            }
            assert run_links == links, probe
    assert history.as_of(driver, uids["S1"], T0 - timedelta(seconds=1)) is None  # before creation

    # diffs between any two recorded times equal the composed changes
    for i, (t1, s1, l1) in enumerate(snapshots):
        for t2, s2, l2 in snapshots[i:]:
            for server in SERVERS:
                d = history.diff(driver, uids[server], t1, t2)
                want = {a: [s1[server].get(a), s2[server].get(a)]
                        for a in set(s1[server]) | set(s2[server]) if s1[server].get(a) != s2[server].get(a)}  # fmt: skip
                assert d["attributes"] == want
                opened = {(by_uid[a], by_uid[b]) for _t, a, b in d["links_opened"]}
                closed = {(by_uid[a], by_uid[b]) for _t, a, b in d["links_closed"]}
                mine = {(a, s) for a, s in l1 ^ l2 if s == server}
                assert opened | closed == mine
                assert opened == {(a, s) for a, s in l2 - l1 if s == server}
