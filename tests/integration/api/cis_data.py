"""Data for the CI query tests, written by the real ingest: the sample estate and a small
discovered fabric (switches in a chain, their ports, addresses and MACs, a server with
installed software and a listening service), in a discovery run's scoped change set."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from cmdb.observations import ChangeSet

RUN = "run-fabric-1"
SCOPE = "snmp:127.0.0.77"


def gql(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The answer's data; fails on any GraphQL error."""
    response = http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def gql_error(http: httpx.Client, query: str, **variables: Any) -> str:
    """The one error message of an answer that must be refused."""
    response = http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert len(body.get("errors", [])) == 1, body
    message: str = body["errors"][0]["message"]
    return message


def mac(i: int, port: int) -> str:
    return f"02:00:00:{i // 256:02x}:{i % 256:02x}:{port:02x}"


def fabric(n: int, at: datetime, run: str | None = RUN) -> ChangeSet:
    """`n` switches in a chain (sw0000 port Gi0/1 to sw0001 port Gi0/0, ...), each port
    with a MAC and an address, and one server with software and a service."""
    cis: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for i in range(n):
        dev = f"d{i}"
        cis.append({"key": dev, "class": "NetworkDevice", "attributes": {
            "name": f"sw{i:04}", "hostname": f"sw{i:04}", "serial_number": f"FAB{i:05}",
            "vendor": "Acme", "device_kind": "switch"}})  # fmt: skip
        for p in (0, 1):
            port = f"{dev}:p{p}"
            cis.append({"key": port, "class": "Interface", "parent": {"ref": dev},
                        "attributes": {"name": f"Gi0/{p}", "mac": mac(i, p)}})  # fmt: skip
            cis.append({"key": f"{port}:ip", "class": "IPAddress", "parent": {"ref": port},
                        "attributes": {"address": f"10.{i // 250}.{i % 250}.{p + 1}",
                                       "prefix_length": 24}})  # fmt: skip
        if i:
            links.append({"type": "CONNECTED_TO", "source": {"ref": f"d{i - 1}:p1"},
                          "target": {"ref": f"{dev}:p0"}, "evidence": "lldp"})  # fmt: skip
    cis += [
        {"key": "srv", "class": "Server", "attributes": {
            "name": "app-host-01", "hostname": "app-host-01", "serial_number": "SRV-77"}},
        {"key": "srv:eth0", "class": "Interface", "parent": {"ref": "srv"},
         "attributes": {"name": "eth0", "mac": "02:aa:bb:cc:dd:01"}},
        {"key": "srv:eth0:ip", "class": "IPAddress", "parent": {"ref": "srv:eth0"},
         "attributes": {"address": "192.0.2.10", "prefix_length": 24}},
        {"key": "sw-pkg", "class": "Software", "attributes": {
            "name": "openssh-server", "product": "openssh-server", "version": "9.2"}},
        {"key": "svc", "class": "Service", "parent": {"ref": "srv"}, "attributes": {
            "name": "sshd", "process": "sshd", "protocol": "tcp", "port": 22,
            "listen_address": "0.0.0.0"}},
    ]  # fmt: skip
    links += [
        {"type": "INSTALLED_ON", "source": {"ref": "sw-pkg"}, "target": {"ref": "srv"},
         "evidence": "ssh"},
        {"type": "CONNECTED_TO", "source": {"ref": "srv:eth0"}, "target": {"ref": "d0:p0"},
         "evidence": "lldp"},
    ]  # fmt: skip
    return ChangeSet.model_validate({
        "source": "snmp", "actor": "test", "observed_at": at, "scope": SCOPE,
        "discovery_run": run, "cis": cis, "links": links,
    })  # fmt: skip


def applications(names: list[str], at: datetime) -> ChangeSet:
    """New Application CIs (what a test inserts between two page reads)."""
    cis = [{"key": n, "class": "Application", "attributes": {"name": n}} for n in names]
    return ChangeSet.model_validate(
        {"source": "manual", "actor": "test", "observed_at": at, "cis": cis}
    )


def later(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)
