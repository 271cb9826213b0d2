"""The API benchmark's server process: the real app (api.app.create_app) plus one bare
starlette JSON endpoint, `/bench/ci?uid=`, that does the `ci(uid)` lookup (the same
query, cmdb/queries/api_reads.py STATES, as its DataLoader) through the same async driver (the app's lifespan-owned one), with no GraphQL in between.

Run by bench/api.py as `python -m bench.api_server DATA_DIR BOLT_PORT HTTP_PORT`, in a
process of its own so that its CPU and RSS are the server's alone.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.app import create_app
from cmdb.config import Config, ImpactConfig, ImpactRoots
from cmdb.queries.api_reads import STATES
from cmdb.schema import load_schema

# the ten fields the GraphQL side asks for (bench/api_queries.py CI)
FIELDS = ("uid", "name", "_class", "status", "first_seen", "last_seen", "serial_number",
          "hostname", "vendor", "model")  # fmt: skip


def bench_config(
    data_dir: Path, bolt_port: int, heap_mb: int = 2048, pagecache_mb: int = 1024
) -> Config:
    """The bench's settings, alike in the bench and the server process: the core switches
    are the network's roots."""
    roots = ImpactRoots(class_name="NetworkDevice", attributes=(("device_kind", "core"),))
    return Config(
        data_dir=data_dir,
        port=bolt_port,
        impact=ImpactConfig(roots=roots),
        heap_mb=heap_mb,
        pagecache_mb=pagecache_mb,
    )


def _json(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return value.iso_format()
    return value


def bench_app(config: Config) -> Starlette:
    app = create_app(config, load_schema())

    async def bare_ci(request: Request) -> Response:
        driver: neo4j.AsyncDriver = request.app.state.driver

        params = {"uids": [request.query_params["uid"]], "t": datetime.now(UTC)}

        async def work(tx: neo4j.AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(STATES, params)  # what ci(uid)'s DataLoader reads
            return [record.data() async for record in result]

        async with driver.session() as session:
            rows = await session.execute_read(work)
        state = rows[0]["state"] if rows else None
        if state is None:
            return JSONResponse({"ci": None})
        return JSONResponse({"ci": {k: _json(state.get(k)) for k in FIELDS}})

    app.add_route("/bench/ci", bare_ci)
    return app


def main() -> None:
    data_dir, bolt_port, http_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    config = bench_config(Path(data_dir), bolt_port)
    uvicorn.run(bench_app(config), host="127.0.0.1", port=http_port, log_level="warning")


if __name__ == "__main__":
    main()
