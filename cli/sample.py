"""The demo's sample estate: two sites with rooms and racks, core/access switches,
routers and a firewall, physical servers and VMs, databases, applications, business
services, owners and support contracts with SLAs. One change set, source `sample`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cmdb.observations import ChangeSet

SITES = [("HQ", "Headquarters", "Berlin", "DE"), ("DC2", "Second data centre", "Munich", "DE")]


def _ci(key: str, cls: str, parent: str | None = None, **attrs: Any) -> dict[str, Any]:
    fact: dict[str, Any] = {"key": key, "class": cls, "attributes": attrs}
    if parent:
        fact["parent"] = {"ref": parent}
    return fact


def _link(kind: str, source: str, target: str) -> dict[str, Any]:
    return {
        "type": kind,
        "source": {"ref": source},
        "target": {"ref": target},
        "evidence": "manual",
    }


def sample_estate(observed_at: datetime | None = None) -> ChangeSet:
    cis: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    cis += [
        _ci("team-net", "Team", name="Network Operations", email="netops@example.com"),
        _ci("team-srv", "Team", name="Server Operations", email="serverops@example.com"),
        _ci("team-app", "Team", name="Application Support", email="appsupport@example.com"),
        _ci("p-alice", "Person", name="Alice Meyer", email="alice@example.com"),
        _ci("p-bob", "Person", name="Bob Schmidt", email="bob@example.com"),
        _ci("c-net", "Contract", name="Network support 24x7", contract_number="NS-2026-001",
            contract_kind="support", vendor="Cisco", start_date="2026-01-01",
            end_date="2027-12-31", response_time_hours=4.0, service_hours="24x7"),
        _ci("c-srv", "Contract", name="Server warranty NBD", contract_number="SW-2025-117",
            contract_kind="warranty", vendor="Dell", start_date="2025-03-01",
            end_date="2026-06-30", response_time_hours=24.0, service_hours="9x5"),
    ]  # fmt: skip
    links += [
        _link("MEMBER_OF_TEAM", "p-alice", "team-net"),
        _link("MEMBER_OF_TEAM", "p-bob", "team-srv"),
    ]
    for code, name, city, country in SITES:
        site = f"site-{code}"
        cis.append(_ci(site, "Location", name=name, code=code, city=city, country=country))
        room = f"room-{code}"
        cis.append(_ci(room, "Room", parent=site, name=f"{code} server room", floor="0"))
        for r in (1, 2):
            cis.append(
                _ci(f"rack-{code}-{r}", "Rack", parent=room, name=f"{code}-R{r:02}", units=42)
            )
        core = f"core-{code}"
        cis.append(_ci(core, "NetworkDevice", name=f"{code.lower()}-core-01", hostname=f"{code.lower()}-core-01",
                       domain="example.net", serial_number=f"FDO{code}0001", vendor="Cisco",
                       model="C9500-48Y4C", device_kind="switch", os_name="IOS-XE", os_version="17.9.4"))  # fmt: skip
        rtr = f"rtr-{code}"
        cis.append(_ci(rtr, "NetworkDevice", name=f"{code.lower()}-rtr-01", hostname=f"{code.lower()}-rtr-01",
                       domain="example.net", serial_number=f"JN{code}0002", vendor="Juniper",
                       model="MX204", device_kind="router", os_name="Junos", os_version="22.4R3"))  # fmt: skip
        links += [
            _link("LOCATED_IN", core, f"rack-{code}-1"),
            _link("LOCATED_IN", rtr, f"rack-{code}-1"),
        ]
        links += [_link("COVERED_BY", core, "c-net"), _link("COVERED_BY", rtr, "c-net")]
        links += [_link("OWNED_BY", core, "team-net"), _link("OWNED_BY", rtr, "team-net")]
        _wire(cis, links, core, "Te1/0/1", rtr, "xe-0/0/0")
        for a in (1, 2):
            acc = f"acc-{code}-{a}"
            cis.append(_ci(acc, "NetworkDevice", name=f"{code.lower()}-acc-0{a}", hostname=f"{code.lower()}-acc-0{a}",
                           domain="example.net", serial_number=f"FOC{code}01{a}", vendor="Cisco",
                           model="C9200L-48T", device_kind="switch", os_name="IOS-XE", os_version="17.6.5"))  # fmt: skip
            links += [_link("LOCATED_IN", acc, f"rack-{code}-{a}"), _link("COVERED_BY", acc, "c-net"),
                      _link("OWNED_BY", acc, "team-net")]  # fmt: skip
            _wire(cis, links, acc, "Gi1/1/1", core, f"Te1/0/{a + 1}")
        for s in (1, 2, 3):
            srv = f"srv-{code}-{s}"
            cis.append(_ci(srv, "Server", name=f"{code.lower()}-esx-0{s}", hostname=f"{code.lower()}-esx-0{s}",
                           domain="example.net", serial_number=f"DELL{code}{s:04}", vendor="Dell",
                           model="PowerEdge R750", os_name="VMware ESXi", os_version="8.0.2",
                           cpu_count=64, memory_bytes=512 * 2**30))  # fmt: skip
            links += [_link("LOCATED_IN", srv, f"rack-{code}-{1 + s % 2}"), _link("COVERED_BY", srv, "c-srv"),
                      _link("OWNED_BY", srv, "team-srv")]  # fmt: skip
            for nic, acc_n in (("vmnic0", 1), ("vmnic1", 2)):  # dual-homed
                _wire(cis, links, srv, nic, f"acc-{code}-{acc_n}", f"Gi1/0/{s}")
        cluster = f"cluster-{code}"
        cis.append(_ci(cluster, "RedundancyGroup", name=f"{code} ESXi cluster", group_key=f"cluster:{code}",
                       group_kind="cluster", min_members_up=2))  # fmt: skip
        links += [_link("MEMBER_OF", f"srv-{code}-{s}", cluster) for s in (1, 2, 3)]
        fw = f"fw-{code}"
        cis.append(_ci(fw, "NetworkDevice", name=f"{code.lower()}-fw-01", hostname=f"{code.lower()}-fw-01",
                       domain="example.net", serial_number=f"PA{code}0003", vendor="Palo Alto Networks",
                       model="PA-3410", device_kind="firewall", os_name="PAN-OS", os_version="11.1.2"))  # fmt: skip
        links += [_link("LOCATED_IN", fw, f"rack-{code}-2"), _link("OWNED_BY", fw, "team-net")]
        _wire(cis, links, fw, "ethernet1/1", core, "Te1/0/8")
    apps = [
        ("erp", "ERP", "HQ", "postgres", "Order to cash"),
        ("crm", "CRM", "HQ", "postgres", "Customer care"),
        ("web", "Web shop", "DC2", "mysql", "Online sales"),
        ("mail", "Mail", "DC2", None, "Communication"),
    ]
    for key, name, code, engine, business in apps:
        vm = f"vm-{key}"
        cis.append(_ci(vm, "VirtualMachine", name=f"{key}-app-01", hostname=f"{key}-app-01", domain="example.net",
                       vm_uuid=f"4211{key:0>4}-0000-4000-8000-0000000000{len(key):02}",
                       os_name="Debian", os_version="12", cpu_count=8, memory_bytes=32 * 2**30))  # fmt: skip
        links.append(_link("HOSTED_ON", vm, f"cluster-{code}"))
        app = f"app-{key}"
        cis.append(_ci(app, "Application", name=name, version="1.0", criticality="high"))
        links += [_link("RUNS_ON", app, vm), _link("OWNED_BY", app, "team-app")]
        if engine:
            db = f"db-{key}"
            cis.append(
                _ci(
                    db,
                    "Database",
                    name=f"{key}db",
                    instance=f"{key}-app-01",
                    engine=engine,
                    version="15",
                )
            )
            links += [
                _link("RUNS_ON", db, vm),
                _link("DEPENDS_ON", app, db),
                _link("OWNED_BY", db, "team-app"),
            ]
        bs = f"bs-{key}"
        cis.append(_ci(bs, "BusinessService", name=business, service_level="gold"))
        links += [_link("DEPENDS_ON", bs, app), _link("OWNED_BY", bs, "team-app")]
    return ChangeSet.model_validate({
        "source": "sample",
        "actor": "demo",
        "reason": "sample estate",
        "observed_at": observed_at or datetime.now(UTC),
        "cis": cis,
        "links": links,
    })  # fmt: skip


def _wire(
    cis: list[dict[str, Any]], links: list[dict[str, Any]], a: str, a_port: str, b: str, b_port: str
) -> None:
    ka, kb = f"{a}:{a_port}", f"{b}:{b_port}"
    for key, parent, port in ((ka, a, a_port), (kb, b, b_port)):
        if not any(c["key"] == key for c in cis):
            cis.append(_ci(key, "Interface", parent=parent, name=port, oper_status="up"))
    links.append(
        {"type": "CONNECTED_TO", "source": {"ref": ka}, "target": {"ref": kb}, "evidence": "manual"}
    )
