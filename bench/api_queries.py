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
    "MATCH (c:CI) WHERE c:Server OR c:NetworkDevice OR c:VirtualMachine OR c:Interface "
    "RETURN c.uid AS uid"
)
CHANGED_UIDS = "MATCH (s:Server) WHERE s.os_version = '12.2' RETURN s.uid AS uid LIMIT $n"

# ci(uid) with 10 fields, the ones bench/api_server.py's bare endpoint returns
CI = """query Ci($uid: String!) {
  ci(uid: $uid) { uid name class status firstSeen lastSeen
    ... on Server { serialNumber hostname vendor model } }
}"""

IMPACT = """query Impact($uids: [String!]!, $maxDepth: Int) {
  impact(uids: $uids, mode: DOWN, maxDepth: $maxDepth) {
    affected { uid name class state depth }
  }
}"""

CIS_PAGE = """query Cis($first: Int!) {
  cis(first: $first) { totalCount edges { cursor node { uid name class status } } }
}"""

HISTORY = """query History($uid: String!) {
  ci(uid: $uid) { uid history(first: 20) { edges { node { at } } } }
}"""


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
    uids: list[str], changed: list[str], dist_uid: str
) -> dict[str, Callable[[random.Random], Request]]:
    return {
        "ci": lambda rng: (CI, {"uid": rng.choice(uids)}),
        "cis": lambda rng: (CIS_PAGE, {"first": 50}),
        "impact": lambda rng: (IMPACT, {"uids": [dist_uid], "maxDepth": 8}),
        "history": lambda rng: (HISTORY, {"uid": rng.choice(changed)}),
    }
