"""The Neo4j driver for the configured database (the local DBMS or NEO4J_URI).

The driver retries a failed transaction for up to 30 s, which is right for deadlocks
and cluster fail-overs but only delays the news when our local DBMS is gone. So every
new connection to it first checks that its process still runs (a `resolver` hook the
driver calls before connecting): a killed or stopped DBMS fails the command at once,
with DBMSLostError, while transient errors keep the driver's retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import neo4j

from cmdb.config import Config
from cmdb.dbms import read_password, running_pid
from cmdb.errors import DBMSError, DBMSLostError
from cmdb.queries.server import neo4j_version


def bolt_uri(config: Config) -> str:
    return config.neo4j_uri or f"bolt://127.0.0.1:{config.port}"


def connect(config: Config) -> neo4j.Driver:
    """A driver for the configured Neo4j; the caller closes it (use it as a context)."""
    options: dict[str, Any] = {}
    auth = _auth(config)
    if not config.neo4j_uri:
        options["resolver"] = _only_while_running(config)
    # Server notifications (e.g. "property key does not exist" before the first write of a
    # key) are hints for query authors, not for users; queries are tested for their plans.
    driver = neo4j.GraphDatabase.driver(
        bolt_uri(config), auth=auth, notifications_min_severity="OFF", **options
    )
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.Neo4jError as exc:
        driver.close()
        raise DBMSError(f"cannot use Neo4j at {bolt_uri(config)}: {exc.message}") from None
    except (neo4j.exceptions.DriverError, OSError) as exc:
        driver.close()
        raise DBMSError(f"cannot reach Neo4j at {bolt_uri(config)}: {exc}") from None
    return driver


async def connect_async(config: Config) -> neo4j.AsyncDriver:
    """An async driver (the API's, owned by its lifespan); the same checks as `connect`."""
    options: dict[str, Any] = {}
    auth = _auth(config)
    if not config.neo4j_uri:
        options["resolver"] = _only_while_running(config)
    driver = neo4j.AsyncGraphDatabase.driver(
        bolt_uri(config), auth=auth, notifications_min_severity="OFF", **options
    )
    try:
        await driver.verify_connectivity()
    except neo4j.exceptions.Neo4jError as exc:
        await driver.close()
        raise DBMSError(f"cannot use Neo4j at {bolt_uri(config)}: {exc.message}") from None
    except (neo4j.exceptions.DriverError, OSError) as exc:
        await driver.close()
        raise DBMSError(f"cannot reach Neo4j at {bolt_uri(config)}: {exc}") from None
    return driver


def _auth(config: Config) -> tuple[str, str]:
    if config.neo4j_uri:
        if config.neo4j_password is None:
            raise DBMSError("NEO4J_URI is set but NEO4J_PASSWORD is not")
        return (config.neo4j_user, config.neo4j_password)
    if running_pid(config) is None:
        raise DBMSError(
            f"the local Neo4j ({bolt_uri(config)}, data in {config.data_dir}) is not "
            "running: start it with `cmdb db up`"
        )
    return ("neo4j", read_password(config.data_dir))


def server_version(config: Config) -> str:
    """The Neo4j version the configured database reports."""
    with connect(config) as driver:
        return neo4j_version(driver)


def _only_while_running(config: Config) -> Callable[[neo4j.Address], list[neo4j.Address]]:
    """The driver's resolver for the local DBMS: the address as it is while our process
    runs; DBMSLostError (not a driver error, so never retried) once it is gone."""

    def resolve(address: neo4j.Address) -> list[neo4j.Address]:
        if running_pid(config) is None:
            raise DBMSLostError(f"the local Neo4j ({bolt_uri(config)}) is no longer running")
        return [address]

    return resolve
