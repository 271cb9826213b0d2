"""Bearer tokens and roles over HTTP, against the served app and the real Neo4j: no, bad,
unknown, revoked or expired token is HTTP 401 with a JSON error and the Bearer challenge;
each role holds what the roles below it hold; a field the role may not use is one GraphQL
error naming the permission, and nothing ran; the graph keeps only the secret's hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from api.graphiql import ASSETS_DIR
from cmdb.roles import ROLES
from cmdb.tokens import create_token, list_tokens, revoke_token
from tests.conftest import DUMP_NODES, dump_graph
from tests.integration.api.conftest import ADMIN, Served

pytestmark = pytest.mark.neo4j

Client = Callable[[str], httpx.Client]
VIEWER = "{ viewer { name role permissions } }"
REVOKE = "mutation($name: String!) { revokeApiToken(name: $name) { name state revokedAt } }"
TOKENS = "{ apiTokens { name role state createdAt expiresAt revokedAt } }"


def post(client: httpx.Client, query: str, **variables: Any) -> httpx.Response:
    return client.post("/graphql", json={"query": query, "variables": variables})


def answer(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = post(client, query, **variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: httpx.Response, challenge: str) -> str:
    """The 401's message, after checking its shape."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == challenge
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    message: str = errors[0]["message"]
    return message


BAD_TOKEN = 'Bearer realm="cmdb", error="invalid_token"'


@pytest.fixture
def anonymous(served: Served, graph: neo4j.Driver) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=60) as client:
        yield client


@pytest.fixture
def with_token(served: Served, graph: neo4j.Driver) -> Iterator[Callable[[str], httpx.Client]]:
    """A client sending `secret` as its bearer token."""
    clients: list[httpx.Client] = []

    def client(secret: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {secret}"}
        clients.append(httpx.Client(base_url=served.url, timeout=60, headers=headers))
        return clients[-1]

    yield client
    for made in clients:
        made.close()


def test_no_token_is_401_with_the_bearer_challenge(anonymous: httpx.Client) -> None:
    message = refused(post(anonymous, "{ modelVersion }"), 'Bearer realm="cmdb"')
    assert message.startswith("no API token: send `Authorization: Bearer <token>`")
    get = anonymous.get("/graphql", params={"query": "{ modelVersion }"})
    assert refused(get, 'Bearer realm="cmdb"') == message
    # curl's default Accept (*/*) with no query: still no page without a token
    assert anonymous.get("/graphql", headers={"accept": "*/*"}).status_code == 401


def test_the_graphiql_page_loads_without_a_token_its_queries_do_not(
    anonymous: httpx.Client, http: httpx.Client
) -> None:
    page = anonymous.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    # its scripts and styles come from this server (api/graphiql.py), not unpkg.com
    assets = re.findall(r'(?:src|href)="(/graphiql-assets/[^"]+)"', page.text)
    assert len(assets) == 7 and "unpkg.com" not in page.text
    for asset in assets:
        got = anonymous.get(asset)
        local = ASSETS_DIR / asset.removeprefix("/graphiql-assets/")
        assert got.status_code == 200 and got.content == local.read_bytes(), asset
        kind = "javascript" if asset.endswith(".js") else "css"
        assert kind in got.headers["content-type"], (asset, got.headers["content-type"])
    query = anonymous.get(
        "/graphql", params={"query": "{ modelVersion }"}, headers={"accept": "text/html"}
    )
    assert query.status_code == 401
    got = http.get("/graphql", params={"query": "{ viewer { name } }"})
    assert got.json() == {"data": {"viewer": {"name": ADMIN}}}


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "Token abc", "Bearer a b", "x"])
def test_a_header_that_is_not_bearer_is_refused(anonymous: httpx.Client, header: str) -> None:
    response = anonymous.post(
        "/graphql", json={"query": "{ modelVersion }"}, headers={"authorization": header}
    )
    assert refused(response, BAD_TOKEN) == "the Authorization header is not `Bearer <token>`"


def test_an_unknown_token_is_refused_without_echoing_it(
    with_token: Client, graph: neo4j.Driver
) -> None:
    secret, _ = create_token(graph, "known", "reader", None)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = post(with_token(forged), "{ modelVersion }")
    assert refused(response, BAD_TOKEN).startswith("the API token is not known")
    assert forged not in response.text and secret not in response.text
    assert post(with_token(secret), "{ modelVersion }").status_code == 200


def test_a_revoked_token_is_refused(with_token: Client, graph: neo4j.Driver) -> None:
    secret, _ = create_token(graph, "leaver", "engineer", None)
    client = with_token(secret)
    assert answer(client, VIEWER)["data"]["viewer"]["name"] == "leaver"
    revoked = revoke_token(graph, "leaver")
    assert revoked.revoked_at is not None
    message = refused(post(client, VIEWER), BAD_TOKEN)
    assert message.startswith("the API token 'leaver' was revoked at ")
    assert refused(client.get("/graphql", params={"query": VIEWER}), BAD_TOKEN) == message


def test_an_expired_token_is_refused(with_token: Client, graph: neo4j.Driver) -> None:
    now = datetime.now(UTC)
    old, _ = create_token(graph, "old", "reader", now - timedelta(hours=1), now - timedelta(days=1))
    fresh, _ = create_token(graph, "fresh", "reader", now + timedelta(hours=1))
    message = refused(post(with_token(old), VIEWER), BAD_TOKEN)
    assert message.startswith("the API token 'old' expired at ")
    assert answer(with_token(fresh), VIEWER)["data"]["viewer"]["name"] == "fresh"


def held(client: httpx.Client) -> set[str]:
    viewer = answer(client, VIEWER)["data"]["viewer"]
    return set(viewer["permissions"])


def test_each_role_holds_what_the_roles_below_it_hold(http_as: Client) -> None:
    perms = {role: held(http_as(role)) for role in ROLES}
    assert perms["reader"] == {"read"}
    assert perms["reader"] < perms["engineer"] < perms["reviewer"] < perms["admin"]
    assert perms["engineer"] < perms["auditor"] < perms["admin"]
    # reviewer and auditor: both above engineer, neither above the other
    assert perms["reviewer"] - perms["auditor"] == {"assess_changes", "approve_changes"}
    assert perms["auditor"] - perms["reviewer"] == {"run_audits"}
    assert perms["admin"] - (perms["reviewer"] | perms["auditor"]) == {"manage_tokens"}


def test_a_denied_mutation_names_the_permission_and_runs_nothing(
    http_as: Client, graph: neo4j.Driver
) -> None:
    reader, engineer = http_as("reader"), http_as("engineer")
    body = answer(engineer, REVOKE, name="reader")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == (
        "permission 'manage_tokens' needed (role engineer has: read, edit_cis, request_changes)"
    )
    assert error["extensions"] == {"code": "FORBIDDEN", "permission": "manage_tokens"}
    assert error["path"] == ["revokeApiToken"]
    # nothing ran: the reader's token is not revoked and still answers
    assert {t.name: t.revoked_at for t in list_tokens(graph)}["reader"] is None
    assert answer(reader, VIEWER)["data"]["viewer"]["role"] == "reader"
    denied = answer(reader, TOKENS)
    assert denied["data"] is None
    assert (
        denied["errors"][0]["message"]
        == "permission 'manage_tokens' needed (role reader has: read)"
    )


def test_an_admin_lists_and_revokes_tokens(http: httpx.Client, http_as: Client) -> None:
    reviewer = http_as("reviewer")
    assert post(reviewer, VIEWER).status_code == 200
    rows = answer(http, TOKENS)["data"]["apiTokens"]
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows] == sorted([ADMIN, "reviewer"])
    assert by_name["reviewer"]["role"] == "reviewer"
    assert by_name["reviewer"]["state"] == "active"
    assert {key for row in rows for key in row} == {
        "name", "role", "state", "createdAt", "expiresAt", "revokedAt"
    }  # fmt: skip
    revoked = answer(http, REVOKE, name="reviewer")["data"]["revokeApiToken"]
    assert revoked["state"] == "revoked" and revoked["revokedAt"] is not None
    assert post(reviewer, VIEWER).status_code == 401
    again = answer(http, REVOKE, name="reviewer")["data"]["revokeApiToken"]
    assert again["revokedAt"] == revoked["revokedAt"]  # the first time stays
    missing = answer(http, REVOKE, name="nobody")
    assert missing["errors"][0]["message"] == "no API token named 'nobody'"


def test_the_graph_keeps_the_hash_never_the_secret(with_token: Client, graph: neo4j.Driver) -> None:
    secret, _ = create_token(graph, "ci-bot", "engineer", None)
    before = dump_graph(graph)
    assert post(with_token(secret), VIEWER).status_code == 200
    assert dump_graph(graph) == before  # a request writes nothing, its token included
    nodes, _, _ = graph.execute_query(DUMP_NODES)
    [token] = [dict(r["p"]) for r in nodes if "ApiToken" in r["l"]]
    assert [r["l"] for r in nodes if "ApiToken" in r["l"]] == [["ApiToken"]]
    assert token["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert set(token) == {"name", "role", "hash", "created_at"}
    # the secret (or its random part) in no property of any node
    random_part = secret.removeprefix("cmdb_")
    assert not any(random_part in str(r["p"]) for r in nodes)
