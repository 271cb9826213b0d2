"""The Neo4j driver for the configured database (the local DBMS or NEO4J_URI)."""

from __future__ import annotations

import neo4j

from cmdb.config import Config
from cmdb.dbms import read_password
from cmdb.errors import DBMSError


def bolt_uri(config: Config) -> str:
    return config.neo4j_uri or f"bolt://127.0.0.1:{config.port}"


def connect(config: Config) -> neo4j.Driver:
    """A driver for the configured Neo4j; the caller closes it (use it as a context)."""
    if config.neo4j_uri:
        if config.neo4j_password is None:
            raise DBMSError("NEO4J_URI is set but NEO4J_PASSWORD is not")
        auth = (config.neo4j_user, config.neo4j_password)
    else:
        auth = ("neo4j", read_password(config.data_dir))
    # Server notifications (e.g. "property key does not exist" before the first write of a
    # key) are hints for query authors, not for users; queries are tested for their plans.
    driver = neo4j.GraphDatabase.driver(
        bolt_uri(config), auth=auth, notifications_min_severity="OFF"
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
