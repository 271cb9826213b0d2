"""The plans of the graph-query layer, as a real Neo4j makes them (EXPLAIN): the main reads
seek an index on the property they look up, and no query of the layer scans every node
or relationship.

Plans depend on the graph's statistics (on an empty graph the planner picks scans it
would never pick with data), so the queries are planned on the sample estate with a
few versions, runs and change sets.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

import cmdb.queries
from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.history import EPOCH
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queries import history, identify, lifecycle, runs, write
from cmdb.queries.ingest import SCOPE_MISSED
from cmdb.runs import DiscoveryRun, record_run
from cmdb.schema import CIClass, Schema, load_schema
from tests.conftest import WIPE

T0 = datetime(2026, 3, 1, tzinfo=UTC)
SCHEMA = load_schema()

# Sample values by parameter name (the planner looks at their types); others are strings.
PARAMS: dict[str, Any] = {
    "uids": ["u1", "u2"], "ids": ["i1"], "keys": ["k1"], "seen": ["u1"], "rows": [],
    "classes": None, "class": None, "job": None, "limit": 20, "seconds": 1, "props": {},
    "attrs": ["name"], "t": T0, "t1": T0, "t2": T0, "at": T0, "before": T0, "epoch": EPOCH,
    "scope": "snmp:127.0.0.1", "states": ["approved"], "touched": ["u1"], "services": ["s"],
    # the API's CI reads (cmdb/queries/api_reads.py)
    "statuses": None, "types": ["HAS_INTERFACE"], "runs": 20, "attributes": [], "located": None,
    # the change log's window and cursor (cmdb/queries/changelog.py), a page of runs
    "since": T0, "until": T0, "cat": T0, "status": None, "source": None, "actor": None,
    "cr": None,
    # audits (cmdb/queries/audits.py): the labels of a rule's scope, severities listed
    "labels": ["Server"], "severities": ["major"],
    # changes authorized or not (cmdb/queries/authorized.py): the discovery sources
    "sources": ["ssh", "snmp"],
}  # fmt: skip

# Reads of every node of a label, by intent: summaries of all CIs and of every discovered
# device, the migration records, the newest runs (few; ordered by start, then cut).
LABEL_SCANS = {
    "report.CI_COUNTS", "report.BEST_CONNECTED_DEVICE", "migrations.APPLIED", "runs.READ_RUNS",
    "runs.READ_CONFLICTS",  # identification conflicts: few, newest first
    "registers.REGISTER_DEVICES",  # a register export: every device
    # reconciliation (audits/reconcile): every switch port, information point, run
    "reconcile.CONNECTED_PORTS", "reconcile.POINT_PORTS", "reconcile.RUN_COVERAGE",
    "reconcile.OPEN_CONFLICTS",
}  # fmt: skip
LAYER = [importlib.import_module(f"cmdb.queries.{m.name}")
         for m in pkgutil.iter_modules(cmdb.queries.__path__)]  # fmt: skip
CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|CALL)\b")


def layer_queries() -> dict[str, str]:
    """Every named query of the layer's modules, by `module.NAME`."""
    return {
        f"{module.__name__.rsplit('.', 1)[-1]}.{name}": text
        for module in LAYER
        for name, text in vars(module).items()
        if name.isupper() and isinstance(text, str) and CYPHER.search(text)
    }


def operators(plan: Any) -> list[tuple[str, str]]:
    """(operator type, details) of every operator of a plan, depth first."""
    args = plan.get("args") or {}
    own = (str(plan.get("operatorType", "")).split("@")[0], str(args.get("Details", "")))
    return [own, *(op for child in plan.get("children") or [] for op in operators(child))]


def explain(driver: neo4j.Driver, query: str) -> list[tuple[str, str]]:
    params = {name: PARAMS.get(name, "x") for name in re.findall(r"\$(\w+)", query)}
    with driver.session() as session:
        return operators(session.run("EXPLAIN " + query, params).consume().plan)


def indexes_read(
    ops: list[tuple[str, str]], kinds: tuple[str, ...] = ("NodeIndexSeek", "NodeUniqueIndexSeek")
) -> list[str]:
    """The index each operator of `kinds` reads (seeks by default), as `Label(prop, ...)`."""
    found = []
    for kind, details in ops:
        if kind.startswith(kinds):
            index = re.search(r"\w+:(\w+\([^)]*\))", details)
            assert index is not None, details
            found.append(index.group(1))
    return found


def scans(ops: list[tuple[str, str]]) -> list[str]:
    """Operators that read every node of the graph or of a label, or every relationship."""
    return [f"{kind} {details}" for kind, details in ops
            if kind in ("AllNodesScan", "NodeByLabelScan") or "AllRelationshipsScan" in kind]  # fmt: skip


def discovered_switch(n: int) -> ChangeSet:
    ports = [{"key": f"p{i}", "class": "Interface", "parent": {"ref": "d"},
              "attributes": {"name": f"Gi0/{i}"}} for i in range(8)]  # fmt: skip
    device = {"key": "d", "class": "NetworkDevice",
              "attributes": {"serial_number": f"SW{n}", "hostname": f"sw{n}"}}  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": T0,
                                     "scope": f"snmp:127.0.0.{n}", "cis": [device, *ports]})  # fmt: skip


@pytest.fixture(scope="module")
def estate(driver: neo4j.Driver, schema: Schema, dbms_config: Config) -> Iterator[neo4j.Driver]:
    """The sample estate, switches discovered each in a scope of its own, every CI of the
    estate changed three times (versions), and a discovery run."""
    with driver.session() as session:
        session.run(WIPE).consume()
    ingest = Ingestor(driver, schema, dbms_config).ingest
    ingested = ingest(sample_estate(T0))
    for n in range(20):
        ingest(discovered_switch(n))
    rows = [{"uid": uid, "set": {"description": "changed"}, "changed": ["description"]}
            for uid in ingested.uids.values()]  # fmt: skip
    with driver.session() as session:
        for hour in (1, 2, 3):
            session.run(write.UPDATE_CIS, rows=rows, at=T0 + timedelta(hours=hour),
                        cs=f"v{hour}").consume()  # fmt: skip
    record_run(driver, DiscoveryRun("run-1", "lab", T0, T0 + timedelta(minutes=1), 1, 1, 0))
    # Plans are cached by query text and index statistics are sampled: a plan made while
    # an earlier test held another graph (in this session's DBMS) would be read here.
    # Resample every index, wait, and empty the caches, so each EXPLAIN plans this graph.
    with driver.session() as session:
        session.run("CALL db.prepareForReplanning(120)").consume()
    yield driver


# Identification: every identifier set of every class is a seek on that class's index of
# (some of) its properties; a scoped class's set includes the parent.
LOOKUPS = [(cls, i) for cls in SCHEMA.concrete() for i in range(len(cls.identification))]
GLOBAL_LOOKUPS = [
    (cls, id_set) for cls in SCHEMA.concrete() for id_set in cls.global_identification
]


def assert_seeks_class_index(ops: list[tuple[str, str]], cls: CIClass, props: list[str]) -> None:
    found = indexes_read(ops)
    assert any(
        index.startswith(f"{cls.name}(") and set(index[len(cls.name) + 1 : -1].split(", ")) <= set(props)
        for index in found
    ), (props, ops)  # fmt: skip
    assert scans(ops) == [], ops


@pytest.mark.parametrize(("cls", "set_index"), LOOKUPS, ids=lambda v: getattr(v, "name", str(v)))
def test_every_identifier_lookup_seeks_its_class_index(
    estate: neo4j.Driver, cls: CIClass, set_index: int
) -> None:
    props = [*(["_parent"] if cls.scoped_by else []), *cls.identification[set_index]]
    assert_seeks_class_index(explain(estate, identify.lookup_query(cls, set_index)), cls, props)


@pytest.mark.parametrize(
    ("cls", "id_set"), GLOBAL_LOOKUPS, ids=lambda v: getattr(v, "name", str(v))
)
def test_every_global_lookup_seeks_its_class_index(
    estate: neo4j.Driver, cls: CIClass, id_set: tuple[str, ...]
) -> None:
    ops = explain(estate, identify.global_lookup_query(cls, id_set))
    assert_seeks_class_index(ops, cls, list(id_set))


# The main reads, each with the indexes it must seek.
SEEKS = {
    "a CI by uid or name": (identify.FIND_BY_UID_OR_NAME, {"CI(uid)", "CI(name)"}),
    "current states": (history.CURRENT, {"CI(uid)"}),
    "current states in full": (history.CURRENT_FULL, {"CI(uid)"}),
    "the CI an edit changes": (lifecycle.READ_CI, {"CI(uid)"}),
    "names of CIs and parents": (history.REFS, {"CI(uid)"}),
    "links as of a time": (history.LINKS_AS_OF, {"CI(uid)"}),
    "link events": (history.LINK_EVENTS, {"CI(uid)"}),
    "states as of a time": (history.AS_OF, {"State(uid, _vfrom)"}),
    "versions": (history.VERSIONS, {"State(uid, _vfrom)"}),
    "first state": (history.FIRST_STATE, {"State(uid, _vfrom)"}),
    "change sets": (history.CHANGESETS, {"ChangeSet(id)"}),
    "changed in a window": (history.CHANGED_IN_WINDOW, {"CIVersion(_to)", "CI(first_seen)", "CI(uid)"}),
    "CIs a scoped change set missed": (SCOPE_MISSED, {"CI(_scope)"}),
    "a discovery run": (runs.READ_RUN, {"DiscoveryRun(id)"}),
}  # fmt: skip


@pytest.mark.parametrize("read", list(SEEKS))
def test_the_main_reads_seek_the_indexed_property(estate: neo4j.Driver, read: str) -> None:
    query, indexes = SEEKS[read]
    ops = explain(estate, query)
    assert indexes <= set(indexes_read(ops)), ops
    assert not any("Scan" in kind for kind, _ in ops), ops  # not even an index scan


# The lifecycle sweep: which index the planner reads depends on the counts of each value.
LIFECYCLE = {
    "active CIs not seen lately": (lifecycle.STALE_ACTIVE, {"CI(status)", "CI(_scope)"}),
    "CIs absent too long": (lifecycle.LONG_ABSENT, {"CI(status)", "CI(_vfrom)"}),
}


@pytest.mark.parametrize("read", list(LIFECYCLE))
def test_the_lifecycle_reads_go_through_an_index(estate: neo4j.Driver, read: str) -> None:
    query, indexes = LIFECYCLE[read]
    ops = explain(estate, query)
    assert set(indexes_read(ops, ("NodeIndex",))) & indexes, ops
    assert scans(ops) == [], ops


@pytest.mark.parametrize("name", sorted(layer_queries()))
def test_no_query_of_the_layer_scans_the_graph(estate: neo4j.Driver, name: str) -> None:
    """No query reads every node or relationship, no label is scanned but where the query
    reads every node of it, and a variable-length expand is the pruning one."""
    assert LABEL_SCANS <= set(layer_queries())
    ops = explain(estate, layer_queries()[name])
    if name not in LABEL_SCANS:
        assert scans(ops) == [], ops
    assert not any(kind.startswith("AllNodesScan") for kind, _ in ops), ops
    var_length = [kind for kind, _ in ops if "VarLengthExpand" in kind]
    assert all(kind.startswith("VarLengthExpand(Pruning") for kind in var_length), ops
