"""One process, one pysnmp engine, many simulated SNMP devices.

Spec key `fast` (default true): v2c GET/GETNEXT/GETBULK are answered by the fast
responder (lab/snmp_fast.py) from pre-encoded rows before pysnmp sees them; SNMPv3,
SNMPv1 and anything odd still reach pysnmp's engine on the same socket. `fast: false`
serves everything through pysnmp as described below (the benchmark compares the two).

Each device listens on its own loopback address. pysnmp tags every UDP transport with
its own transport domain, so the domain a request arrived on says which device (which
recording) answers it. v2c communities and SNMPv3 users (authPriv SHA/AES) come from the
lab's credentials file. Run as `python -m lab.snmp_agent SPEC.json`.

pysnmp's GETBULK responder asks the instrumentation for one next OID per repetition
(an access check, a device lookup and a recording search each time); a walk's GETBULK
has one repeated varbind, so `_BulkResponder` answers all its repetitions with one
check and one search of the sorted recording. pysnmp still decodes, builds and encodes
every message, so that responder costs what a pysnmp agent costs per varbind on the wire.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import cmdrsp, context
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.api import v2c
from pysnmp.smi import error as smi_error

from lab.snmp_ber import encode_value, safe_encode
from lab.snmp_fast import (
    EncodedOverlay,
    EncodedRows,
    EncodedSource,
    FastResponder,
    FastUdpTransport,
    encode_base,
)
from lab.snmprec import MemoryRecording, OverlayRecording, Recording, oid_key, open_prepared

_V2C_SECURITY = "lab-v2c-{}"


@dataclass
class _Device:
    name: str
    data: Recording
    encoded: EncodedSource | None = None  # the fast responder's view (spec `fast`)


class _Instrumentation:
    """Duck-types pysnmp's MibInstrumController: answers from the device's recording."""

    def __init__(self, devices: dict[tuple[int, ...], _Device]) -> None:
        self.devices = devices

    def _device(self, context_: dict[str, Any]) -> _Device:
        snmp_engine = context_["snmpEngine"]
        exec_ctx = snmp_engine.observer.get_execution_context("rfc3412.receiveMessage:request")
        return self.devices[tuple(exec_ctx["transportDomain"])]

    def _check_access(self, var_binds: tuple[Any, ...], context_: dict[str, Any]) -> None:
        ac_fun = context_.get("acFun")
        if ac_fun is not None and var_binds:
            ac_fun("read", (var_binds[0][0], None), **context_)

    def read_variables(self, *var_binds: Any, **context_: Any) -> list[tuple[Any, Any]]:
        self._check_access(var_binds, context_)
        device = self._device(context_)
        out: list[tuple[Any, Any]] = []
        for name, _ in var_binds:
            row = device.data.get(str(name))
            if row is None:
                out.append((name, rfc1905.noSuchInstance))
            else:
                out.append((name, safe_encode(row)))
        return out

    def read_next_variables(self, *var_binds: Any, **context_: Any) -> list[tuple[Any, Any]]:
        self._check_access(var_binds, context_)
        device = self._device(context_)
        out: list[tuple[Any, Any]] = []
        for name, _ in var_binds:
            row = device.data.next_after(oid_key(str(name)))
            if row is None:
                out.append((name, rfc1905.endOfMibView))
            else:
                out.append((rfc1902.ObjectName(row[0]), safe_encode(row)))
        return out

    def read_next_many(self, var_bind: Any, count: int, **context_: Any) -> list[tuple[Any, Any]]:
        """``count`` repetitions of GETNEXT from ``var_bind``'s name, as
        ``read_next_variables`` called ``count`` times would answer: past the last row,
        the last name with endOfMibView, repeated. One access check, on the requested
        name (every device's read view is the whole tree)."""
        self._check_access((var_bind,), context_)
        device = self._device(context_)
        name = var_bind[0]
        out: list[tuple[Any, Any]] = [
            (rfc1902.ObjectName(row[0]), safe_encode(row))
            for _key, row in device.data.next_rows(oid_key(str(name)), count)
        ]
        if len(out) < count:
            last = out[-1][0] if out else name
            out += [(last, rfc1905.endOfMibView)] * (count - len(out))
        return out

    def write_variables(self, *var_binds: Any, **context_: Any) -> list[tuple[Any, Any]]:
        raise smi_error.NotWritableError(name=var_binds[0][0] if var_binds else None, idx=0)


class _BulkResponder(cmdrsp.BulkCommandResponder):  # type: ignore[misc]  # pysnmp is untyped
    """GETBULK with no non-repeaters and one repeated varbind (every walk's request)
    answered in one ``read_next_many``; any other shape goes to pysnmp's own loop."""

    def handle_management_operation(self, snmpEngine: Any, stateReference: Any,  # pysnmp names
                                    contextName: Any, PDU: Any) -> None:
        var_binds = v2c.apiPDU.get_varbinds(PDU)
        repetitions = min(int(v2c.apiBulkPDU.get_max_repetitions(PDU)), self.max_varbinds)
        instrumentation = self.snmpContext.get_mib_instrum(contextName)
        if (int(v2c.apiBulkPDU.get_non_repeaters(PDU)) > 0 or len(var_binds) != 1
                or repetitions <= 0 or not isinstance(instrumentation, _Instrumentation)):
            super().handle_management_operation(snmpEngine, stateReference, contextName, PDU)
            return
        answer = instrumentation.read_next_many(var_binds[0], repetitions, snmpEngine=snmpEngine,
                                                acFun=self.verify_access, cbCtx=self.cbCtx)
        self.send_varbinds(snmpEngine, stateReference, 0, 0, answer)
        self.release_state_information(stateReference)


def _load_devices(spec: dict[str, Any], fast: bool) -> list[tuple[dict[str, Any], _Device]]:
    """Each device's recording (a shared base, or a base under the clone's overlay) and,
    when ``fast``, its encoded view (the base's encodings shared the same way)."""
    bases: dict[str, Recording] = {}
    encoded_bases: dict[str, EncodedSource] = {}
    loaded = []
    for entry in spec["devices"]:
        path = entry["recording"]
        if path not in bases:
            bases[path] = open_prepared(Path(path))
            if fast:
                encoded_bases[path] = encode_base(bases[path])
        data: Recording = bases[path]
        encoded = encoded_bases.get(path)
        overlay = entry.get("overlay")
        if overlay:
            rows = [(r[0], r[1], r[2]) for r in overlay["rows"]]
            deleted = list(overlay["deleted"])
            data = OverlayRecording(data, rows, deleted)
            if encoded is not None:
                encoded = EncodedOverlay(encoded, EncodedRows(data.own), deleted)
        loaded.append((entry, _Device(entry["name"], data, encoded)))
    return loaded


def _configure_security(snmp_engine: engine.SnmpEngine, credentials: dict[str, Any]) -> None:
    read_view = (1,)
    for i, community in enumerate(credentials["communities"]):
        security_name = _V2C_SECURITY.format(i)
        config.add_v1_system(snmp_engine, security_name, community["community"])
        config.add_vacm_user(snmp_engine, 2, security_name, "noAuthNoPriv", read_view)
        config.add_vacm_user(snmp_engine, 1, security_name, "noAuthNoPriv", read_view)
    for user in credentials["v3_users"]:
        config.add_v3_user(
            snmp_engine,
            user["user"],
            config.USM_AUTH_HMAC96_SHA,
            user["auth_key"],
            config.USM_PRIV_CFB128_AES,
            user["priv_key"],
        )
        config.add_vacm_user(snmp_engine, 3, user["user"], "authPriv", read_view)


def _raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(needed, soft), hard), hard))


async def serve(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    credentials = json.loads(Path(spec["credentials_file"]).read_text(encoding="utf-8"))
    fast = bool(spec.get("fast", True))
    loaded = _load_devices(spec, fast)
    _raise_fd_limit(len(loaded) + 256)
    communities = frozenset(c["community"].encode() for c in credentials["snmp"]["communities"])

    snmp_engine = engine.SnmpEngine(rfc1902.OctetString(hexValue=spec["engine_id"]))
    devices: dict[tuple[int, ...], _Device] = {}
    for n, (entry, device) in enumerate(loaded, start=1):
        domain = (*udp.DOMAIN_NAME, n)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((entry["address"], int(entry["port"])))
        if device.encoded is not None:
            carrier = FastUdpTransport(FastResponder(device.encoded, communities))
        else:
            carrier = udp.UdpAsyncioTransport()
        transport = carrier.open_server_mode(sock=sock)
        config.add_transport(snmp_engine, domain, transport)
        devices[domain] = device
    _configure_security(snmp_engine, credentials["snmp"])

    snmp_context = context.SnmpContext(snmp_engine)
    instrumentation = _Instrumentation(devices)
    snmp_context.context_names[b""] = instrumentation
    cmdrsp.GetCommandResponder(snmp_engine, snmp_context)
    cmdrsp.NextCommandResponder(snmp_engine, snmp_context)
    _BulkResponder(snmp_engine, snmp_context)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    snmp_engine.open_dispatcher()
    await asyncio.sleep(0)  # let the transports' endpoints come up
    Path(spec["ready_file"]).write_text(f"{len(devices)}\n", encoding="utf-8")
    await stop.wait()
    snmp_engine.close_dispatcher()


def main() -> None:
    asyncio.run(serve(Path(sys.argv[1])))


__all__ = ["MemoryRecording", "encode_value", "main", "serve"]

if __name__ == "__main__":
    main()
