"""`cmdb serve`: the GraphQL API (api.app) under uvicorn, in the foreground until Ctrl-C;
`cmdb serve --print-schema` writes the SDL that schema.graphql holds."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from cli.base import console, graph
from cmdb.config import Config
from cmdb.errors import CMDBError
from cmdb.schema import Schema, load_schema

if TYPE_CHECKING:
    from cli.schedule import Background


class ServeError(CMDBError):
    """The server could not listen where it was asked to."""


def serve(
    host: Annotated[
        str, typer.Option(help="the address to listen on (give another than loopback on purpose)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="the TCP port")] = 8000,
    print_schema: Annotated[
        bool, typer.Option("--print-schema", help="write the GraphQL SDL and exit")
    ] = False,
    schedule: Annotated[
        bool,
        typer.Option("--schedule", help="also run cmdb.yaml's `schedules:` (as `cmdb schedule`)"),
    ] = False,
) -> None:
    """Serve the GraphQL API (/graphql with GraphiQL, /healthz, /readyz, /metrics) until
    Ctrl-C. Neo4j must be up with the schema applied (`cmdb db up`)."""
    if print_schema:
        from api.schema import sdl

        sys.stdout.write(sdl(load_schema()))
        return
    with graph() as (config, schema, _driver):  # reachable and in step, or one clear error
        pass
    if not schedule:
        run_server(config, schema, host, port)
        return
    from cli.schedule import Background, build_tasks
    from cmdb.connection import connect
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver

    tasks = build_tasks(config, schema, [], CredentialResolver(secrets_file=None),
                        CredentialMemory(DEFAULT_MEMORY_FILE))  # fmt: skip
    with connect(config) as driver:
        background = Background(tasks, driver)
        run_server(config, schema, host, port, background=background)


def run_server(
    config: Config,
    schema: Schema,
    host: str,
    port: int,
    banner: Callable[[str], None] | None = None,
    background: Background | None = None,
) -> None:
    """Listen on host:port, print where (then `banner(url)`), and serve until Ctrl-C;
    `background` (the scheduler) runs while the server does and is stopped with it."""
    import uvicorn  # the API's packages load when serving, not for every command

    from api.app import create_app

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listening = socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).split(" (while attempting")[0]
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
    url = f"http://{_url_host(host)}:{listening.getsockname()[1]}"
    _log_requests()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, schema),
            log_level="warning",
            access_log=False,  # our request log (cmdb.api) says more, and never a query string
            timeout_graceful_shutdown=10,
        )
    )
    console.print(f"GraphQL API on {url}/graphql (GraphiQL in a browser), Ctrl-C stops it")
    console.print(f"Web UI on {url}/ (sign in with an API token)")
    if banner is not None:
        banner(url)
    if background is not None:
        background.start()
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:  # uvicorn shut down cleanly, then passed the signal on
        pass
    finally:
        listening.close()
        if background is not None:
            background.stop()
    console.print("server stopped")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _log_requests() -> None:
    """The request log (one JSON line per request) on stderr."""
    log = logging.getLogger("cmdb.api")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
