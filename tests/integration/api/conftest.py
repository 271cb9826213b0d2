"""The API served for real: uvicorn on a free loopback port, in a thread, against the
session's Neo4j; tests talk to it with httpx, as a user's client would."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from api.app import create_app
from cmdb import dbms
from cmdb.config import Config
from cmdb.schema import Schema


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


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=60) as client:
        yield client
