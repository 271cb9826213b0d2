"""The API served for real: uvicorn on a free loopback port, in a thread, against the
session's Neo4j; tests talk to it with httpx, as a user's client would.

/graphql needs a bearer token (api/auth.py): `http` sends an admin token's, made on the
wiped graph of the test (`graph`); `http_as(role)` makes a client of another role. A
client of a fixture of wider scope needs `bearer(driver, role)` per test, since every
test's wipe deletes the tokens with the rest of the graph."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx
import neo4j
import pytest
import uvicorn

from api.app import create_app
from cmdb import dbms
from cmdb.config import Config
from cmdb.schema import Schema
from cmdb.tokens import create_token

ADMIN = "test-admin"  # the name of `http`'s token: the actor of what its requests write


class Served:
    def __init__(self, config: Config, model: Schema) -> None:
        self.port = dbms.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        server_config = uvicorn.Config(
            create_app(config, model), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(server_config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def served(dbms_config: Config, schema: Schema, driver: object) -> Iterator[Served]:
    """One served app per test session (the driver fixture applied the schema)."""
    with Served(dbms_config, schema) as app:
        yield app


def bearer(driver: neo4j.Driver, role: str = "admin", name: str | None = None) -> dict[str, str]:
    """The Authorization header of a new token of `role` (named `name`, else the role)."""
    secret, _info = create_token(driver, name or role, role, None)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def http(served: Served, graph: neo4j.Driver) -> Iterator[httpx.Client]:
    """A client of the served app with an admin token, on an empty graph."""
    headers = bearer(graph, "admin", ADMIN)
    with httpx.Client(base_url=served.url, timeout=60, headers=headers) as client:
        yield client


@pytest.fixture
def http_as(served: Served, graph: neo4j.Driver) -> Iterator[Callable[[str], httpx.Client]]:
    """`http_as(role)`: a client with a new token of that role (named `role`, `role-2`,
    ... when asked again), on the same empty graph as `http`."""
    clients: list[httpx.Client] = []
    made: dict[str, int] = {}

    def client_as(role: str) -> httpx.Client:
        made[role] = made.get(role, 0) + 1
        name = role if made[role] == 1 else f"{role}-{made[role]}"
        headers = bearer(graph, role, name)
        clients.append(httpx.Client(base_url=served.url, timeout=60, headers=headers))
        return clients[-1]

    yield client_as
    for client in clients:
        client.close()
