"""The scaled lab's clones as discovery reads them: each clone's serial is its own.

Discovery takes a device's serial from a vendor scalar before ENTITY-MIB (classification
rules, the UPS parser); a clone that kept its base's vendor serial would be its base's
twin, one CI to the graph. So every serial scalar discovery reads is one the lab
rewrites, and a fabric cloned from the lab's own recordings, read the way the collector
reads its agent, gives each device a serial of its lab facts (or none where the facts
have none), never another clone's.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from cmdb.schema import load_schema
from discovery.snmp import oids as discovery_oids
from discovery.snmp.classify_rules import RULES
from discovery.snmp.facts import snmp_facts
from discovery.snmp.parse import parse_device
from discovery.snmp.records import Value
from lab import oids
from lab.control import BASE_PROFILE_LIMIT
from lab.facts import collect_facts, walk
from lab.scale import ScaledDevice, generate, profile_base
from lab.snmprec import OverlayRecording, read_prepared
from lab.sources import default_cache_dir, lab_data_dir, prepare_all, snmp_sources
from tests.snmprec import parse_snmprec_line

SCALE = 30  # as tests/integration/discovery/test_discover_scaled_lab.py builds it
UPS_SERIALS = (discovery_oids.APC_UPS_ADV_IDENT_SERIAL, discovery_oids.MGE_UPS_IDENT_SERIAL)


def test_every_serial_scalar_discovery_reads_is_rewritten_in_clones() -> None:
    read = {rule.serial_oid for rule in RULES if rule.serial_oid} | set(UPS_SERIALS)
    assert read - set(oids.VENDOR_SERIALS) == set()


@cache
def _fabric() -> tuple[tuple[ScaledDevice, OverlayRecording], ...]:
    """The scaled lab lab.control builds from the lab's recordings (its small ones)."""
    prepared = prepare_all(snmp_sources((lab_data_dir(),)), default_cache_dir())
    bases = {
        str(path): profile_base(str(path), read_prepared(path))
        for _source, path, _facts in prepared
        if path.stat().st_size <= BASE_PROFILE_LIMIT
    }
    addresses = [f"127.77.0.{i + 1}" for i in range(SCALE)]
    devices = generate(SCALE, list(bases.values()), addresses)
    return tuple((d, OverlayRecording(bases[d.base_key].data, d.overlay.rows,
                                      d.overlay.deleted)) for d in devices)  # fmt: skip


def _varbinds(data: OverlayRecording) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for number, row in enumerate(walk(data, "1"), 1):
        parsed = parse_snmprec_line("overlay", number, "|".join(row))
        if isinstance(parsed, tuple):
            out[parsed[0]] = parsed[1]
    return out


def test_each_clone_is_discovered_with_a_serial_of_its_own() -> None:
    junk = load_schema().is_junk
    found: dict[str, str | None] = {}
    for device, data in _fabric():
        serial = snmp_facts(parse_device(_varbinds(data)), None).system.serial
        serials = collect_facts(data).serials
        assert (serial in serials) if serials else serial is None, (device.name, serial)
        found[device.name] = None if junk(serial) else serial
    twins = Counter(s for s in found.values() if s is not None)
    assert [s for s, n in twins.items() if n > 1] == []
    assert twins  # the fabric has clones with serials at all
