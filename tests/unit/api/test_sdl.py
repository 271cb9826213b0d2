"""schema.graphql at the repository's root is the code's GraphQL schema, as
`cmdb serve --print-schema` writes it: a change to the API shows in review as a change
of that file (regenerate: `.venv/bin/cmdb serve --print-schema > schema.graphql`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api.schema import sdl
from cmdb.schema import load_schema

ROOT = Path(__file__).resolve().parents[3]
CMDB = Path(sys.executable).parent / "cmdb"
REGENERATE = "regenerate it: .venv/bin/cmdb serve --print-schema > schema.graphql"


def test_schema_graphql_is_the_codes_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(load_schema()), (
        f"schema.graphql differs from the code's schema: {REGENERATE}"
    )


def test_print_schema_writes_it() -> None:
    printed = subprocess.run(
        [str(CMDB), "serve", "--print-schema"], capture_output=True, text=True, check=True,
        cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert printed.stdout == sdl(load_schema())
    assert printed.stderr == ""
