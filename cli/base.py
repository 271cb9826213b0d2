"""What the `cmdb` commands share: the consoles, and the graph they work on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import neo4j
from rich.console import Console

from cmdb import migrations
from cmdb.config import Config, load_config
from cmdb.connection import connect
from cmdb.schema import Schema, load_schema

console = Console()
err = Console(stderr=True)


@contextmanager
def graph(in_step: bool = True) -> Iterator[tuple[Config, Schema, neo4j.Driver]]:
    """Config, schema and a driver; `in_step`: only on a graph this schema is applied to."""
    config = load_config()
    schema = load_schema()
    with connect(config) as driver:
        if in_step:
            migrations.require(driver, schema)
        yield config, schema, driver
