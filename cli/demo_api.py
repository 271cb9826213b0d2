"""The end of `cmdb demo`: the GraphQL API on 127.0.0.1, with the GraphiQL address, a demo
admin token and three example queries on the sample estate's core switch printed first.
Ctrl-C stops the server only: Neo4j and the lab stay up."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import neo4j

from cli.base import console, graph
from cmdb.edit import find_uid

CORE_SWITCH = "hq-core-01"  # the sample estate's core switch at HQ

# name -> query; `$uid` is the core switch's uid (the variables printed beside)
EXAMPLES: dict[str, str] = {
    "a CI with its neighbours": (
        "query Neighbours($uid: String!) { ci(uid: $uid) { name className "
        "... on Device { neighbours { localPort { name } device { name } port { name } "
        "evidence } } } }"
    ),
    "impact of the core switch going down": (
        "query Impact($uid: String!) { impact(cis: [$uid], mode: DOWN) "
        "{ affected { name className state depth } byBusinessService { name down degraded } } }"
    ),
    "the CI's history": (
        "query History($uid: String!) { ci(uid: $uid) { name "
        "history(first: 5) { events { at kind attribute before after } } } }"
    ),
}


def serve_demo(port: int) -> None:
    """Serve the API until Ctrl-C, after printing how to use it."""
    from cli.serve import run_server

    with graph() as (config, schema, driver):
        uid = find_uid(driver, CORE_SWITCH)
        token = _demo_token(driver)

    def banner(url: str) -> None:
        lines = [
            f"Web UI: {url}/ (sign in with the token below)",
            f"GraphiQL: {url}/graphql",
            f"Demo admin token (shown once): {token}",
            f'  GraphiQL headers: {{"Authorization": "Bearer {token}"}}',
        ]
        lines.append(f"Example queries (variables: {json.dumps({'uid': uid})}):")
        lines += [f"  # {name}\n  {query}" for name, query in EXAMPLES.items()]
        console.print("\n".join(lines), markup=False, soft_wrap=True)

    run_server(config, schema, "127.0.0.1", port, banner)


def _demo_token(driver: neo4j.Driver) -> str:
    """A new admin token for this demo (cmdb.tokens), named by the time it was made:
    its secret is shown once, the graph keeps only its hash."""
    from cmdb.tokens import create_token

    name = f"demo-admin-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    secret, _info = create_token(driver, name, "admin", None)
    return secret
