"""Reports over GraphQL through the served app: `report` makes the file and answers with
its URL; the URL serves it to a bearer token with run_audits (the XLSX opens with pandas
and its sheets are the sections named), to nobody else, and not after it expires."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable

import httpx
import neo4j
import pandas as pd
import pytest

from api.reports import REPORT_TTL, reports_dir
from cmdb.config import Config
from cmdb.schema import Schema
from tests.integration.api.audits_client import RUN, SERVERS, estate
from tests.integration.api.history_data import data, error

pytestmark = pytest.mark.neo4j

REPORT = """
mutation($kind: String!, $period: String!, $format: String!, $lang: String!) {
  report(kind: $kind, period: $period, format: $format, lang: $lang) {
    url path expiresAt kind format fileName sections rows
  }
}"""


def test_a_report_is_made_and_downloaded_within_its_hour(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, schema: Schema,
    config: Config,
) -> None:  # fmt: skip
    estate(graph, schema, config)
    auditor = http_as("auditor")
    data(auditor, RUN, reason="for the report", rules=["owner"])
    made = data(auditor, REPORT, kind="audit", period="this-month", format="xlsx", lang="en")
    link = made["report"]
    assert (link["kind"], link["format"]) == ("audit", "xlsx")
    assert link["path"].startswith("/reports/") and link["url"].endswith(link["path"])
    got = auditor.get(link["path"])
    assert got.status_code == 200, got.text
    book = pd.read_excel(io.BytesIO(got.content), sheet_name=None)
    assert len(book) == len(link["sections"])  # a sheet per section, in order
    frames = list(book.values())
    assert len(frames[link["sections"].index("findings")]) == SERVERS  # the run's findings
    # nobody else: no token, another role, a guessed token
    assert httpx.get(auditor.base_url.join(link["path"])).status_code == 401
    reader = http_as("reader")
    refused = reader.get(link["path"])
    assert refused.status_code == 403
    assert "permission 'run_audits' needed" in refused.json()["errors"][0]["message"]
    token = link["path"].split("/")[2]
    assert auditor.get(link["path"].replace(token, "A" * 32)).status_code == 404
    # an hour later it is gone
    path = reports_dir(config) / token / link["fileName"]
    old = time.time() - REPORT_TTL.total_seconds() - 60
    os.utime(path, (old, old))
    assert auditor.get(link["path"]).status_code == 404
    assert not path.exists()


def test_a_bad_report_argument_is_named(http: httpx.Client) -> None:
    args = {"kind": "status", "period": "2026-11", "format": "html", "lang": "en"}
    assert error(http, REPORT, **{**args, "kind": "weekly"}).startswith("kind: 'weekly'")
    assert error(http, REPORT, **{**args, "format": "pdf"}).startswith("format: 'pdf'")
    assert error(http, REPORT, **{**args, "lang": "fr"}).startswith("lang: ")
    assert error(http, REPORT, **{**args, "period": "someday"}).startswith("period: ")
