"""Schema changes reach graphs built before them: the derived constraints and indexes are
recorded under the schema's checksum, so a graph set up by older code gets those of a
class added since; and older code refuses a graph at a newer schema version."""

from __future__ import annotations

import shutil
from pathlib import Path

import neo4j
import pytest
import yaml

from cmdb import migrations
from cmdb.errors import MigrationError
from cmdb.schema import SCHEMA_DIR, Schema, load_schema

pytestmark = pytest.mark.neo4j
ADDED = "UnclassifiedDevice"  # the class added in schema version 2


def schema_without(tmp_path: Path, class_name: str, version: int) -> Schema:
    """The shipped schema as it was before ``class_name`` was added."""
    directory = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, directory)
    path = directory / "classes.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    del document["classes"][class_name]
    document["version"] = version
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_schema(directory)


def index_names(driver: neo4j.Driver) -> set[str]:
    records, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name")
    return {r["name"] for r in records}


def test_a_graph_set_up_before_a_class_was_added_gets_its_indexes(
    graph: neo4j.Driver, schema: Schema, tmp_path: Path
) -> None:
    old = schema_without(tmp_path, ADDED, schema.version - 1)
    added = {stmt.split()[2] for stmt in migrations.derived_statements(schema)
             if f"(n:{ADDED})" in stmt}  # fmt: skip
    assert added and not any(f"(n:{ADDED})" in s for s in migrations.derived_statements(old))
    try:
        # the graph as the older code left it: every step at its version, no index of ADDED
        for name in sorted(added):
            graph.execute_query(f"DROP INDEX {name} IF EXISTS")
        graph.execute_query("MATCH (m:SchemaMigration) WHERE m.id STARTS WITH 'derived:' DELETE m")
        graph.execute_query("MATCH (m:SchemaMigration) SET m.version = $v", v=old.version)
        migrations.apply(graph, old)
        assert not added & index_names(graph)

        applied = migrations.apply(graph, schema)
        derived = f"derived:{migrations.DERIVED_REVISION}:{schema.checksum}"
        assert [a.id for a in applied] == [derived]
        assert added <= index_names(graph)
        assert migrations.apply(graph, schema) == []
        with pytest.raises(MigrationError, match=f"schema version {schema.version}"):
            migrations.apply(graph, old)
    finally:
        migrations.apply(graph, schema)
