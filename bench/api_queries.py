"""What the API benchmark asks: its GraphQL documents, the reads that pick their
arguments, and the admin token its clients send."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import neo4j

from bench.api_load import Request

DIST_UID = "MATCH (d:NetworkDevice {serial_number: $serial}) RETURN d.uid AS uid"
SAMPLE_UIDS = (
    "MATCH (c:CI) WHERE c:Server OR c:NetworkDevice OR c:VirtualMachine RETURN c.uid AS uid"
)
CHANGED_UIDS = "MATCH (s:Server) WHERE s.os_version = '12.2' RETURN s.uid AS uid LIMIT $n"

# ci(uid) with 10 fields, the ones bench/api_server.py's bare endpoint returns
CI = """query Ci($uid: String!) {
  ci(uid: $uid) { uid name className status firstSeen lastSeen
    ... on Device { serialNumber hostname vendor model } }
}"""

# what a change reviewer reads: every affected CI with its paths, owners and SLAs
IMPACT = """query Impact($cis: [String!]!, $maxDepth: Int) {
  impact(cis: $cis, mode: DOWN, maxDepth: $maxDepth) {
    computedAt
    affected {
      uid name className state depth
      paths { uid name className relationship direction }
      owners supportTeams businessServices
      contracts { contractNumber responseTimeHours onsiteTimeHours fixTimeHours }
    }
    byClass { name down degraded }
    byBusinessService { name down degraded }
    byOwner { name down degraded }
  }
}"""

CIS_PAGE = """query Cis($first: Int!) {
  cis(first: $first) { totalCount edges { cursor node { uid name className status } } }
}"""

HISTORY = """query History($uid: String!) {
  ci(uid: $uid) { uid history(first: 20) { events { at kind attribute before after } } }
}"""


FIELDS = """{ q: __type(name: "Query") { fields { name } }
  ci: __type(name: "ConfigurationItem") { fields { name } } }"""


def missing(data: dict[str, Any]) -> set[str]:
    """Which of the reads the bench makes the served API does not have (yet)."""
    have = {f["name"] for f in data["q"]["fields"]} | {
        f"ci.{f['name']}" for f in (data["ci"] or {"fields": []})["fields"]
    }
    return {"ci", "cis", "impact", "ci.history"} - have


def impact_count(data: dict[str, Any]) -> int:
    return len(data["impact"]["affected"])


def auth_headers(driver: neo4j.Driver) -> dict[str, str]:
    """An admin token's header (cmdb.tokens), or none while the API has no auth."""
    try:
        from cmdb.tokens import create_token  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {}
    token, _info = create_token(driver, name="bench", role="admin", expires=None)
    return {"Authorization": f"Bearer {token}"}


def mixed_reads(
    uids: list[str], changed: list[str], dist_uid: str, absent: set[str]
) -> dict[str, Callable[[random.Random], Request]]:
    """The mix of reads, less those the API has not got (`absent`, see `missing`)."""
    kinds: dict[str, Callable[[random.Random], Request]] = {
        "ci": lambda rng: (CI, {"uid": rng.choice(uids)}),
        "cis": lambda rng: (CIS_PAGE, {"first": 50}),
        "impact": lambda rng: (IMPACT, {"cis": [dist_uid], "maxDepth": 8}),
        "ci.history": lambda rng: (HISTORY, {"uid": rng.choice(changed)}),
    }
    return {kind: read for kind, read in kinds.items() if kind not in absent}
