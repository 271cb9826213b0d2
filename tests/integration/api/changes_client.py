"""What the change-request tests share: the sample estate loaded by the real ingest, and
GraphQL calls through a real HTTP client."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import neo4j

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

T0 = datetime(2026, 3, 1, tzinfo=UTC)
SAT_NIGHT = ("2026-12-05T22:00:00Z", "2026-12-05T23:30:00Z")  # inside the default window
FRIDAY = ("2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z")  # outside it

REQUEST = """
id title description category state windowStart windowEnd requester implementer
affectedCis { uid name className }
transitions { seq action fromState toState actor comment afterTheFact }
approvals { approver decision comment afterTheFact cleared }
approvalsRequired approvalsRemaining approvedAfterTheFact allowedActions
assessment { computedAt mode risk reasons insideMaintenanceWindow impact }
changeSets { id source actor reason }
"""

CREATE = f"""
mutation($input: ChangeRequestInput!, $comment: String) {{
  createChangeRequest(input: $input, comment: $comment) {{ {REQUEST} }}
}}"""
READ = f"query($id: String!) {{ changeRequest(id: $id) {{ {REQUEST} }} }}"


def estate(driver: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    """The sample estate, by the real ingest: its keys (core-HQ, app-erp, bs-erp, ...) ->
    uids."""
    return Ingestor(driver, schema, config).ingest(sample_estate(T0)).uids


def call(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    answer = client.post("/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def data(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    body = call(client, query, **variables)
    assert not body.get("errors"), body["errors"]
    found: dict[str, Any] = body["data"]
    return found


def error(client: httpx.Client, query: str, **variables: Any) -> str:
    """The one error a refused call answers."""
    body = call(client, query, **variables)
    assert len(body.get("errors") or []) == 1, body
    return str(body["errors"][0]["message"])


def draft(
    uids: list[str], window: tuple[str, str] = SAT_NIGHT, category: str = "NORMAL",
    title: str = "Replace a line card",
) -> dict[str, Any]:  # fmt: skip
    return {"title": title, "category": category, "windowStart": window[0],
            "windowEnd": window[1], "affectedCis": uids}  # fmt: skip


def create(client: httpx.Client, uids: list[str], **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = data(client, CREATE, input=draft(uids, **fields))["createChangeRequest"]
    return made


def act(client: httpx.Client, action: str, request_id: str, comment: str | None = None) -> Any:
    """`approve` -> approveChangeRequest(id, comment): the request after it."""
    field = f"{action}ChangeRequest"
    query = (
        f"mutation($id: String!, $c: String) {{ {field}(id: $id, comment: $c) {{ {REQUEST} }} }}"
    )
    return data(client, query, id=request_id, c=comment)[field]


def act_error(client: httpx.Client, action: str, request_id: str) -> str:
    field = f"{action}ChangeRequest"
    return error(client, f"mutation($id: String!) {{ {field}(id: $id) {{ id }} }}", id=request_id)
