"""The CI model as data: the real schema loads; a bad schema file is refused with file,
line and reason; the derived DDL takes names only from the schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cmdb.errors import SchemaError
from cmdb.migrations import derived_statements
from cmdb.schema import SCHEMA_DIR, load_schema


def copy_schema(tmp_path: Path) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, target)
    return target


def test_the_shipped_schema_loads_and_covers_the_design() -> None:
    schema = load_schema()
    wanted = {"Server", "VirtualMachine", "NetworkDevice", "Interface", "IPAddress", "Subnet",
              "VLAN", "Software", "Service", "Application", "BusinessService", "Database",
              "Location", "Room", "Rack", "Peripheral", "Endpoint", "Contract", "Person",
              "Team", "RedundancyGroup"}  # fmt: skip
    assert wanted <= {c.name for c in schema.concrete()}
    assert schema.classes["Server"].labels == ("CI", "Device", "Server")
    assert schema.relationships["RUNS_ON"].impact == "target_to_source"
    assert schema.relationships["MEMBER_OF"].redundancy
    assert schema.relationships["IN_VLAN"].attributes["tagged"].type == "boolean"
    assert schema.relationships["CONTAINS"].composition
    assert not schema.relationships["CONNECTED_TO"].composition
    assert schema.precedence.rank("model", "manual") < schema.precedence.rank("model", "snmp")
    assert schema.is_junk("To be filled by O.E.M.") and schema.is_junk("00:00:00:00:00:00")
    assert schema.is_junk("000000") and not schema.is_junk("FOC1234X")


@pytest.mark.parametrize(
    ("file", "old", "new", "culprit", "reason"),
    [
        ("classes.yaml", "      cpu_model: string", "      cpu_model: strng", "cpu_model: strng", "cpu_model"),
        ("classes.yaml", "    parent: Device\n    description: Switch", "    parent: Devise\n    description: Switch", "parent: Devise", "unknown parent class 'Devise'"),
        ("classes.yaml", "    identification: [[vm_uuid]", "    identification: [[vm_uid]", "[[vm_uid]", "'vm_uid' is not an attribute of VirtualMachine"),
        ("relationships.yaml", "  HOSTED_ON: {from: [VirtualMachine]", "  HOSTED_ON: {from: [VirtualMachin]", "VirtualMachin]", "unknown class 'VirtualMachin'"),
        ("precedence.yaml", "staleness_days: 30", "staleness_days: -1", "staleness_days: -1", "staleness_days"),
        ("classes.yaml", "  Room:\n", "  Room:\n    colour: red\n", "colour: red", "colour"),
        ("classes.yaml", "    reference_identification: [[if_index]]", "    reference_identification: [[ifindex]]", "[[ifindex]]", "identifier 'ifindex' is not an attribute of Interface"),
        ("classes.yaml", "    identification: [[code], [name]]\n", "    identification: [[code], [name]]\n    reference_identification: [[code]]\n", "reference_identification: [[code]]", "only a scoped class is found within its parent by reference"),
        ("relationships.yaml", "attributes: {tagged: {type: boolean,", "attributes: {since: {type: boolean,", "attributes: {since:", "attribute 'since' is managed by the core"),
        ("relationships.yaml", "attributes: {tagged: {type: boolean,", "attributes: {tagged: {type: date,", "attributes: {tagged:", "a relationship attribute is a string, integer, float or boolean, not date"),
    ],
)
def test_a_bad_schema_file_names_file_line_and_reason(
    tmp_path: Path, file: str, old: str, new: str, culprit: str, reason: str
) -> None:
    directory = copy_schema(tmp_path)
    path = directory / file
    text = path.read_text()
    assert text.count(old) == 1
    broken = text.replace(old, new, 1)
    path.write_text(broken)
    culprit_line = next(n for n, ln in enumerate(broken.splitlines(), 1) if culprit in ln)
    with pytest.raises(SchemaError) as info:
        load_schema(directory)
    assert info.value.path == str(path)
    assert info.value.line == culprit_line, str(info.value)
    assert reason in str(info.value)


def test_yaml_syntax_errors_carry_the_line(tmp_path: Path) -> None:
    directory = copy_schema(tmp_path)
    path = directory / "precedence.yaml"
    path.write_text(path.read_text() + "attributes: [unclosed\n")
    with pytest.raises(SchemaError) as info:
        load_schema(directory)
    assert info.value.path == str(path) and info.value.line is not None


def test_derived_ddl_names_only_schema_labels() -> None:
    schema = load_schema()
    ddl = derived_statements(schema)
    assert "CREATE CONSTRAINT ci_uid IF NOT EXISTS FOR (n:CI) REQUIRE n.uid IS UNIQUE" in ddl
    assert (
        "CREATE INDEX server_serial_number IF NOT EXISTS FOR (n:Server) ON (n.serial_number)" in ddl
    )
    scoped = "CREATE INDEX {} IF NOT EXISTS FOR (n:{}) ON (n._parent, n.{})"
    assert scoped.format("interface_parent_name", "Interface", "name") in ddl
    # IPAddress became scoped (schema version 3): its index of version 2 goes, by name
    assert scoped.format("ipaddress_parent_address", "IPAddress", "address") in ddl
    assert "DROP INDEX ipaddress_address IF EXISTS" in ddl
    assert all(stmt.count("$") == 0 for stmt in ddl)  # DDL carries no values
    assert len(ddl) == len(set(ddl))
