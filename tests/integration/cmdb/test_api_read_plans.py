"""The plans of the API's CI reads (cmdb/queries/api_reads.py), as a real Neo4j makes them
on the sample estate (test_query_plans.py's `estate`): each seeks the index of what it
looks up, none scans a label, a location's chain is the pruning var-length expand."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from cmdb.queries import api_reads as q
from tests.integration.cmdb.test_query_plans import T0, estate, indexes_read, operators, scans

pytestmark = pytest.mark.neo4j
__all__ = ["estate"]  # the fixture, shared with test_query_plans.py

FILTER_OFF: dict[str, Any] = {
    "classes": None, "statuses": None, "name": None, "name_contains": None, "name_regex": None,
    "seen_before": None, "seen_after": None, "source": None, "attributes": [], "located": None,
    "owner": None, "order": "name", "after_key": None, "after_uid": None, "limit": 20, "t": T0,
}  # fmt: skip
PARAMS: dict[str, Any] = {
    "uids": ["u1", "u2"], "t": T0, "from": T0, "to": T0, "types": ["HAS_INTERFACE"],
    "outgoing": True, "runs": 20, "name": "hq-core-01", "limit": 20, "location": "HQ",
    "query": '"hq"',
}  # fmt: skip

READS = {
    "states as of a time": (q.STATES, {"CI(uid)", "State(uid, _vfrom)"}),
    "links with their other ends": (q.LINKS, {"CI(uid)", "State(uid, _vfrom)"}),
    "discovery coverage": (q.COVERAGE, {"CI(uid)"}),
    "CIs by name": (q.UIDS_BY_NAME, {"CI(name)"}),
    "a page of CIs now": (q.CIS_PAGE_NOW, {"CI(first_seen)"}),
    "a page of CIs now, descending": (q.CIS_PAGE_NOW_DESC, {"CI(first_seen)"}),
    "a page of CIs as of a time": (q.CIS_PAGE_AS_OF, {"CI(first_seen)", "State(uid, _vfrom)"}),
    "the count of a page now": (q.CIS_COUNT_NOW, {"CI(first_seen)"}),
    "the count of a page then": (q.CIS_COUNT_AS_OF, {"CI(first_seen)", "State(uid, _vfrom)"}),
    "search": (q.SEARCH, {"State(uid, _vfrom)"}),
}


def explain(driver: neo4j.Driver, query: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    with driver.session() as session:
        return operators(session.run("EXPLAIN " + query, params).consume().plan)


@pytest.mark.parametrize("read", list(READS))
def test_the_api_reads_seek_their_indexes(estate: neo4j.Driver, read: str) -> None:
    query, indexes = READS[read]
    ops = explain(estate, query, PARAMS | FILTER_OFF if "$order" in query else PARAMS)
    assert indexes <= set(
        indexes_read(ops, ("NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexSeekByRange"))
    ), ops
    assert scans(ops) == [], ops


def test_a_locations_chain_is_the_pruning_expand(estate: neo4j.Driver) -> None:
    ops = explain(estate, q.LOCATED_IN_PLACE, PARAMS)
    found = set(indexes_read(ops))
    assert {"Location(name)", "Location(code)"} <= found, ops
    assert found & {"CI(uid)", "Location(uid)"}, ops  # a Location by uid: either index
    assert scans(ops) == [], ops
    assert [kind for kind, _ in ops if "VarLengthExpand" in kind] == [
        "VarLengthExpand(Pruning,BFS,All)"
    ], ops


# A page ordered by name or uid (the default order and the stable one) is read in the
# order of an index of the class's label and cut at $limit rows before anything sorts
# them: no Sort or Top over rows no Limit has cut (it would take every CI under the
# filter). Past a cursor by name, the cursor's name and the names past it are two such
# reads, their two pages then ordered; as of a time, each CI's state then is the newest
# of its own (a Top of LIMIT 1).
INDEXED_PAGES = {
    "all CIs by name": (q.CIS_PAGE_BY_NAME, "CI(name, uid)"),
    "all CIs by name, past a cursor": (q.CIS_PAGE_BY_NAME_AFTER, "CI(name, uid)"),
    "all CIs by name, descending": (q.CIS_PAGE_BY_NAME_DESC, "CI(name, uid)"),
    "all CIs by uid, past a cursor": (q.CIS_PAGE_BY_UID_AFTER, "CI(uid)"),
    "all CIs by uid as of a time": (q.CIS_PAGE_BY_UID_AS_OF, "CI(uid)"),
    "devices by name": (q.cis_page_indexed("Device", "name", False, True, False), "Device(name, uid)"),
    "contracts by name, first page": (q.cis_page_indexed("Contract", "name", True, False, False),
                                      "Contract(name, uid)"),
    "servers by uid": (q.cis_page_indexed("Server", "uid", True, True, False), "Server(uid)"),
    "CIs of a name": (q.cis_page_indexed("CI", "name", False, False, False, named=True),
                      "CI(name, uid)"),
    "CIs of a name, past a cursor": (q.cis_page_indexed("CI", "name", True, True, False, named=True),
                                     "CI(name, uid)"),
}  # fmt: skip
SORTS = ("Sort", "Top", "PartialSort", "PartialTop")


def plan_of(driver: neo4j.Driver, query: str, params: dict[str, Any]) -> Any:
    with driver.session() as session:
        return session.run("EXPLAIN " + query, params).consume().plan


def kind_of(plan: Any) -> str:
    return str(plan["operatorType"]).split("@")[0]


def cut(plan: Any) -> bool:
    """Whether every row this operator gets has passed a Limit (or a Top of one row)."""
    if kind_of(plan) == "Limit" or str(plan["args"].get("Details", "")).endswith("LIMIT 1"):
        return True
    children = plan.get("children") or []
    return bool(children) and all(cut(child) for child in children)


def uncut_sorts(plan: Any) -> list[str]:
    """The sorting operators whose input no Limit has cut."""
    own = [kind_of(plan)] if kind_of(plan).startswith(SORTS) and not cut(plan) else []
    return own + [s for child in plan.get("children") or [] for s in uncut_sorts(child)]


@pytest.mark.parametrize("page", list(INDEXED_PAGES))
def test_a_page_by_name_or_uid_is_read_in_index_order(estate: neo4j.Driver, page: str) -> None:
    query, index = INDEXED_PAGES[page]
    filtered = FILTER_OFF | {"statuses": ["active"], "after_key": "m", "after_uid": "u"}
    for params in (FILTER_OFF | {"after_key": "m", "after_uid": "u"}, filtered):
        plan = plan_of(estate, query, params)
        ops = operators(plan)
        assert index in indexes_read(ops, ("NodeIndex", "NodeUniqueIndex")), ops
        assert uncut_sorts(plan) == [], ops
        assert any(kind == "Limit" for kind, _ in ops), ops
        assert scans(ops) == [], ops


def test_the_plan_check_sees_a_sort_of_every_ci(estate: neo4j.Driver) -> None:
    """The check above fails the generic page (every CI read, then sorted)."""
    plan = plan_of(estate, q.CIS_PAGE_NOW, FILTER_OFF)
    assert uncut_sorts(plan) in (["Top"], ["Sort"]), operators(plan)


@pytest.mark.parametrize("label", ["CI", "Device", "Contract"])
def test_an_unfiltered_count_is_the_labels_count_store(estate: neo4j.Driver, label: str) -> None:
    ops = explain(estate, q.cis_count_now(label, filtered=False), FILTER_OFF)
    assert "NodeCountFromCountStore" in {kind for kind, _ in ops}, ops
    assert scans(ops) == [] and indexes_read(ops, ("NodeIndexSeekByRange",)) == [
        "CI(first_seen)"
    ], ops


@pytest.mark.parametrize("after", [False, True])
def test_a_page_of_one_name_seeks_that_name(estate: neo4j.Driver, after: bool) -> None:
    query = q.cis_page_indexed("CI", "name", False, after, False, named=True)
    ops = explain(estate, query, FILTER_OFF | {"name": "vmnic0", "after_key": "vmnic0"})
    seeks = [details for kind, details in ops if kind.startswith("NodeIndexSeek")]
    assert seeks and all("name = $name" in d or "name <= $name" in d or "name = $after_key" in d
                         for d in seeks), ops  # fmt: skip
