"""An estate with one planted violation per built-in rule, written through the real
ingest (change sets of source snmp), and the run settings it is judged with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j

from cmdb.config import AuditsConfig, Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

T_OLD = datetime(2026, 1, 15, tzinfo=UTC)  # the stale server's only sighting
T0 = datetime(2026, 3, 1, tzinfo=UTC)  # everything else
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)  # the audit runs
AUDITS = AuditsConfig(
    minimum_versions=(("openssl", "3.0.10"),),
    os_baselines=(("cisco", "ios-xe", "17.9.1"),),
    stale_after=timedelta(days=30),
)

# what each built-in rule must find, by CI name, and nothing else
PLANTED = {
    "owner": {"srv-noowner"},
    "support-contract": {"srv-expired"},
    "support-contract-expiring": {"srv-expiring"},
    "location": {"srv-nolocation"},
    "software-minimum-version": {"openssl 3.0.9"},
    "os-baseline": {"sw-old-os"},
    "not-seen": {"srv-stale"},
    "switch-port-known": {"Gi1/0/2"},
}


def audit_config(config: Config) -> Config:
    return config.with_overrides(audits=AUDITS)


def ci(key: str, cls: str, **attrs: Any) -> dict[str, Any]:
    return {"key": key, "class": cls, "attributes": {"name": key, **attrs}}


def link(kind: str, source: str, target: str) -> dict[str, Any]:
    return {"type": kind, "source": {"ref": source}, "target": {"ref": target},
            "evidence": "manual"}  # fmt: skip


def _shared() -> list[dict[str, Any]]:
    end_soon = (NOW + timedelta(days=10)).date().isoformat()
    return [
        ci("netops", "Team", email="netops@example.com"),
        ci("c-good", "Contract", contract_number="C-GOOD", end_date="2027-12-31"),
        ci("c-expiring", "Contract", contract_number="C-SOON", end_date=end_soon),
        ci("c-expired", "Contract", contract_number="C-OLD", end_date="2026-02-01"),
        ci("site-a", "Location", code="A"),
    ]


def _kept(key: str) -> list[dict[str, Any]]:
    """The links that keep a device clear of the owner, contract and location rules."""
    return [link("OWNED_BY", key, "netops"), link("COVERED_BY", key, "c-good"),
            link("LOCATED_IN", key, "site-a")]  # fmt: skip


def device(key: str, cls: str, serial: str, **attrs: Any) -> dict[str, Any]:
    return ci(key, cls, serial_number=serial, hostname=key, **attrs)


def switch(key: str, serial: str, vendor: str, os_name: str, version: str) -> dict[str, Any]:
    return device(key, "NetworkDevice", serial, vendor=vendor, os_name=os_name,
                  os_version=version, device_kind="switch")  # fmt: skip


def changeset(at: datetime, cis: list[dict[str, Any]], links: list[dict[str, Any]]) -> ChangeSet:
    return ChangeSet.model_validate({"source": "snmp", "actor": "test", "observed_at": at,
                                     "cis": cis, "links": links})  # fmt: skip


def _port(key: str, parent: str, name: str, status: str = "up") -> dict[str, Any]:
    return {"key": key, "class": "Interface", "parent": {"ref": parent},
            "attributes": {"name": name, "oper_status": status}}  # fmt: skip


def _cabling() -> list[dict[str, Any]]:
    """sw-ok's ports cabled to three servers, one information point patched."""
    return [_port("sw-ok/1", "sw-ok", "Gi1/0/1"), _port("sw-ok/2", "sw-ok", "Gi1/0/2"),
            _port("sw-ok/3", "sw-ok", "Gi1/0/3", "down"),
            *(_port(f"{srv}/eth0", srv, "eth0") for srv in ("srv-ok", "srv-noowner",
                                                            "srv-expired")),
            ci("point-101", "InformationPoint", point_id="101", room="A-1")]  # fmt: skip


def build(driver: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    """The estate; returns uid by CI name."""
    ingest = Ingestor(driver, schema, config)
    uids: dict[str, str] = {}
    stale = device("srv-stale", "Server", "S-STALE")
    old = ingest.ingest(changeset(T_OLD, [*_shared(), stale], _kept("srv-stale")))
    uids |= old.uids
    cis = [*_shared(),
           switch("sw-ok", "N-OK", "Cisco", "IOS-XE", "17.9.4"),
           switch("sw-new", "N-NEW", "Cisco", "IOS-XE", "17.10.1"),  # 17.10 > 17.9
           switch("sw-old-os", "N-OLD", "Cisco", "IOS-XE", "17.6.5"),
           switch("rtr-junos", "N-JUN", "Juniper", "Junos", "1.0"),  # no baseline: not judged
           device("srv-ok", "Server", "S-OK"),
           device("srv-noowner", "Server", "S-NOOWN"),
           device("srv-expired", "Server", "S-EXP"),
           device("srv-expiring", "Server", "S-SOON"),
           device("srv-nolocation", "Server", "S-NOLOC"),
           device("pc-1", "Endpoint", "E-1"),  # no location: endpoints are out of scope
           ci("openssl 3.0.9", "Software", product="OpenSSL", version="3.0.9"),
           ci("openssl 3.0.12", "Software", product="OpenSSL", version="3.0.12"),
           ci("openssl 1.0.2", "Software", product="OpenSSL", version="1.0.2")]  # fmt: skip
    links = [
        link("INSTALLED_ON", "openssl 3.0.9", "srv-ok"),
        link("INSTALLED_ON", "openssl 3.0.12", "srv-ok"),
    ]  # 1.0.2: installed nowhere
    for key in ("sw-ok", "sw-new", "sw-old-os", "rtr-junos", "srv-ok"):
        links += _kept(key)
    links += [
        link("COVERED_BY", "srv-noowner", "c-good"),
        link("LOCATED_IN", "srv-noowner", "site-a"),
    ]
    links += [link("OWNED_BY", "srv-expired", "netops"), link("COVERED_BY", "srv-expired", "c-expired"),
              link("LOCATED_IN", "srv-expired", "site-a")]  # fmt: skip
    links += [link("OWNED_BY", "srv-expiring", "netops"),
              link("COVERED_BY", "srv-expiring", "c-expiring"),
              link("LOCATED_IN", "srv-expiring", "site-a")]  # fmt: skip
    links += [link("OWNED_BY", "srv-nolocation", "netops"),
              link("COVERED_BY", "srv-nolocation", "c-good")]  # fmt: skip
    cis += _cabling()
    links += [link("CONNECTED_TO", "sw-ok/1", "srv-ok/eth0"),  # patched: known
              link("CONNECTED_TO", "sw-ok/2", "srv-noowner/eth0"),  # no point: a finding
              link("CONNECTED_TO", "sw-ok/3", "srv-expired/eth0"),  # down: not judged
              link("PATCHED_TO", "point-101", "sw-ok/1")]  # fmt: skip
    uids |= ingest.ingest(changeset(T0, cis, links)).uids
    return uids


def observe(driver: neo4j.Driver, schema: Schema, config: Config, at: datetime,
            *cis: dict[str, Any]) -> None:  # fmt: skip
    """A later sighting of some CIs (attributes as given)."""
    Ingestor(driver, schema, config).ingest(changeset(at, list(cis), []))
