"""Hand-built topologies with known impact answers, as change sets the real ingest
writes (tests/integration/cmdb/test_impact.py, tests/integration/api/test_impact_api.py,
tests/integration/cli/...): devices with ports wired port to port, LAG members, a
cluster as a RedundancyGroup, a VM, an application and a business service on it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cmdb.observations import ChangeSet
from lab.scale import fabric_sizes, plan_fabric, profile_base
from lab.snmprec import sanitise

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)  # the second uplink is gone


class Estate:
    def __init__(self) -> None:
        self.cis: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.keys: set[str] = set()

    def ci(self, key: str, cls: str, parent: str | None = None, **attrs: Any) -> str:
        if key not in self.keys:
            fact: dict[str, Any] = {"key": key, "class": cls, "attributes": attrs}
            if parent:
                fact["parent"] = {"ref": parent}
            self.cis.append(fact)
            self.keys.add(key)
        return key

    def device(self, name: str, cls: str = "NetworkDevice", **attrs: Any) -> str:
        return self.ci(name, cls, name=name, hostname=name, serial_number=f"SN-{name}", **attrs)

    def port(self, device: str, port: str) -> str:
        return self.ci(f"{device}:{port}", "Interface", parent=device, name=port)

    def link(self, kind: str, source: str, target: str) -> None:
        self.links.append({"type": kind, "source": {"ref": source}, "target": {"ref": target},
                           "evidence": "lldp"})  # fmt: skip

    def wire(self, a: str, a_port: str, b: str, b_port: str) -> None:
        self.link("CONNECTED_TO", self.port(a, a_port), self.port(b, b_port))

    def changeset(self, at: datetime = T0) -> ChangeSet:
        return ChangeSet.model_validate({"source": "snmp", "actor": "test", "observed_at": at,
                                         "scope": "snmp:campus", "cis": self.cis,
                                         "links": self.links})  # fmt: skip


def campus(second_uplink: bool = True) -> Estate:
    """core (criticality core) - dist1, dist2; acc1 uplinked to both (the second uplink,
    to dist1, optional), acc2 to dist1 only; srv-single on acc2; srv-dual on acc1 and
    acc2; acc3 to dist1 by a LAG of two members (Po1 on acc3); a cluster of esx1..3
    (quorum 2) with vm1 on it, app1 on vm1, the business service shop on app1."""
    e = Estate()
    e.device("core", criticality="core")
    for dist in ("dist1", "dist2"):
        e.device(dist)
    e.wire("dist1", "Te1", "core", "Te1")
    e.wire("dist2", "Te1", "core", "Te2")
    e.device("acc1")
    e.device("acc2")
    e.device("acc3")
    e.wire("acc1", "Gi1", "dist2", "Gi1")
    if second_uplink:
        e.wire("acc1", "Gi2", "dist1", "Gi1")
    e.wire("acc2", "Gi1", "dist1", "Gi2")
    for member, far in (("Gi1", "Gi3"), ("Gi2", "Gi4")):
        e.wire("acc3", member, "dist1", far)
        e.link("LAG_MEMBER_OF", e.port("acc3", member), e.port("acc3", "Po1"))
    e.device("srv-single", "Server")
    e.wire("srv-single", "eth0", "acc2", "Gi10")
    e.device("srv-dual", "Server")
    e.wire("srv-dual", "eth0", "acc1", "Gi10")
    e.wire("srv-dual", "eth1", "acc2", "Gi11")
    _cluster(e)
    return e


def _cluster(e: Estate) -> None:
    e.ci("cl1", "RedundancyGroup", name="cl1", group_key="cl1", group_kind="cluster",
         min_members_up=2)  # fmt: skip
    for n in (1, 2, 3):
        e.device(f"esx{n}", "Server")
        e.link("MEMBER_OF", f"esx{n}", "cl1")
        e.wire(f"esx{n}", "vmnic0", "acc2", f"Gi2{n}")
    e.ci("vm1", "VirtualMachine", name="vm1", hostname="vm1", vm_uuid="uuid-vm1")
    e.link("HOSTED_ON", "vm1", "cl1")
    e.ci("app1", "Application", name="app1")
    e.link("RUNS_ON", "app1", "vm1")
    e.ci("shop", "BusinessService", name="shop")
    e.link("DEPENDS_ON", "shop", "app1")
    e.ci("team-app", "Team", name="App Team")
    e.ci("team-ops", "Team", name="Ops Team")
    e.link("OWNED_BY", "app1", "team-app")
    e.link("SUPPORTED_BY", "app1", "team-ops")
    e.ci("c-esx", "Contract", name="ESX support", contract_number="C-1", response_time_hours=4.0,
         onsite_time_hours=8.0, fix_time_hours=24.0, end_date="2027-12-31")  # fmt: skip
    e.link("COVERED_BY", "esx1", "c-esx")


def _switch_rows(ports: int) -> list[tuple[str, str, str]]:
    rows = ["1.3.6.1.2.1.1.1.0|4|Test switch OS", "1.3.6.1.2.1.17.1.1.0|4x|00AA00000000",
            "1.0.8802.1.1.2.1.3.2.0|4|00AA00000000"]  # fmt: skip
    for i in range(1, ports + 1):
        rows += [f"1.3.6.1.2.1.2.2.1.2.{i}|4|Ethernet{i}", f"1.3.6.1.2.1.2.2.1.3.{i}|2|6",
                 f"1.3.6.1.2.1.31.1.1.1.1.{i}|4|Et{i}",
                 f"1.0.8802.1.1.2.1.3.7.1.3.{i}|4|Et{i}"]  # fmt: skip
    return sanitise(rows)


def _server_rows() -> list[tuple[str, str, str]]:
    return sanitise(["1.3.6.1.2.1.1.1.0|4|Linux server", "1.3.6.1.2.1.2.2.1.2.1|4|eth0",
                     "1.3.6.1.2.1.2.2.1.3.1|2|6", "1.3.6.1.2.1.25.2.2.0|2|1024"])  # fmt: skip


def scaled_fabric(n: int, single_homed_every: int = 5) -> tuple[Estate, dict[str, set[str]]]:
    """The lab's scaled spine/leaf fabric (lab.scale.plan_fabric's nodes and links) as
    discovery would write it: spines and leaves NetworkDevices, servers Servers, each
    link port to port. Every `single_homed_every`-th server's second cable is left out
    (single-homed). Returns the estate and, per leaf, the servers it is wired to."""
    bases = [profile_base("switch", _switch_rows(96)), profile_base("server", _server_rows())]
    nodes, links = plan_fabric(n, bases, [f"127.99.0.{i}" for i in range(1, n + 1)])
    assert fabric_sizes(n)[2] > 0
    e = Estate()
    for node in nodes:
        e.device(node.name, "Server" if node.role == "server" else "NetworkDevice",
                 **({"criticality": "core"} if node.role == "spine" else {}))  # fmt: skip
    wired: dict[str, set[str]] = {}
    cabled: dict[str, int] = {}
    for link in links:
        server = link.a.name if link.a.role == "server" else None
        if server is not None:
            cabled[server] = cabled.get(server, 0) + 1
            number = int(server.rsplit("-", 1)[1])
            if cabled[server] == 2 and number % single_homed_every == 0:
                continue
            wired.setdefault(link.b.name, set()).add(server)
        e.wire(link.a.name, link.a_port.name, link.b.name, link.b_port.name)
    return e, wired
