"""What the audit API tests share: a small estate whose servers break the owner and
location rules, the documents they send, and a register upload as a GraphQL multipart
request (the spec strawberry follows: `operations`, `map`, then the files)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import neo4j

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

SERVERS = 5  # each without owner and location: 5 major (owner) + 5 minor (location)

RUN = """
mutation($reason: String!, $rules: [String!], $scope: String) {
  runAudit(reason: $reason, rules: $rules, scope: $scope) {
    id actor reason rules skipped opened resolved stillOpen durationMs
    perRule { rule severity skipped violations opened resolved stillOpen }
  }
}"""
RUNS = """
query($first: Int, $after: String) {
  auditRuns(first: $first, after: $after) {
    totalCount edges { cursor node { id actor reason rules opened perRule { rule } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
FINDINGS = """
query($filter: FindingFilter, $first: Int, $after: String) {
  findings(filter: $filter, first: $first, after: $after) {
    totalCount
    totals { bySeverity { key count } byStatus { key count } }
    edges { cursor node {
      id rule severity status ciUid ciName ciClass evidence openedAt lastDetectedAt
      lastRun resolvedAt
      waiver { reason approver until grantedBy }
      history { seq action fromStatus toStatus actor run comment }
      ci { uid name className }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
ACK = """
mutation($finding: String!, $reason: String!) {
  acknowledge(finding: $finding, reason: $reason) {
    id status history { action toStatus actor comment } }
}"""
WAIVE = """
mutation($finding: String!, $reason: String!, $until: DateTime!) {
  waive(finding: $finding, reason: $reason, until: $until) {
    id status waiver { reason approver until grantedBy endedAt }
    history { action toStatus actor } }
}"""
IMPORT = """
mutation($file: Upload!, $reason: String!, $sheet: String, $dryRun: Boolean!) {
  importRegister(file: $file, reason: $reason, sheet: $sheet, dryRun: $dryRun) {
    file sheet dryRun rowsImported rowsRefused rowsSkipped created updated unchanged
    changeSetId refused { file sheet row column reason message } notes { row reason }
  }
}"""


def estate(driver: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    """SERVERS servers seen a minute ago by ssh, none with an owner or a location; their
    uids by name."""
    cis = [{"key": f"srv-{i}", "class": "Server",
            "attributes": {"name": f"srv-{i}", "hostname": f"srv-{i}",
                           "serial_number": f"SN-AUD-{i}"}} for i in range(SERVERS)]  # fmt: skip
    at = datetime.now(UTC) - timedelta(minutes=1)
    change = ChangeSet.model_validate({"source": "ssh", "actor": "discovery", "observed_at": at,
                                       "cis": cis})  # fmt: skip
    return Ingestor(driver, schema, config).ingest(change).uids


def upload(
    http: httpx.Client, path: Path, name: str | None = None, dry_run: bool = False,
    sheet: str | None = None, reason: str = "the contract's register, 2026",
) -> httpx.Response:  # fmt: skip
    """importRegister with the file at `path` (sent as `name`)."""
    operations = {"query": IMPORT, "variables": {"file": None, "reason": reason,
                                                 "sheet": sheet, "dryRun": dry_run}}  # fmt: skip
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    files = {"0": (name or path.name, path.read_bytes(), "application/octet-stream")}
    return http.post("/graphql", data=form, files=files)


def answer(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
