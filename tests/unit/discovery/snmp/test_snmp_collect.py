"""The collector's walk and coverage rules against a tiny v2c agent double on 127.0.0.1.

The double answers GET and GETBULK from a dict (pyasn1's codec with pysnmp's message
spec, as any pysnmp agent), and can stay silent for chosen subtrees (table timeouts),
answer out of order, or send bytes that do not decode.
"""

from __future__ import annotations

import asyncio
import bisect
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Secret, SnmpV2c
from discovery.snmp.errors import SnmpTimeout

V2C: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
COMMUNITY = "double"
SUBTREES = {"system": "1.3.6.1.2.1.1", "a": "1.3.6.1.9.1", "b": "1.3.6.1.9.2", "c": "1.3.6.1.9.3",
            "d": "1.3.6.1.9.4", "e": "1.3.6.1.9.5", "f": "1.3.6.1.9.6"}
SCALAR = "1.3.6.1.9.9.0"


def _rows() -> dict[str, Any]:
    rows: dict[str, Any] = {"1.3.6.1.2.1.1.1.0": rfc1902.OctetString(b"double"),
                            "1.3.6.1.2.1.1.5.0": rfc1902.OctetString(b"sw1"),
                            SCALAR: rfc1902.Integer32(9)}
    for n, root in enumerate(SUBTREES.values()):
        if root != SUBTREES["system"]:
            rows.update({f"{root}.1.{i}": rfc1902.Counter32(n * 100 + i) for i in range(1, 31)})
    return rows


def response_bytes(var_binds: list[tuple[str, Any]], request_id: int) -> bytes:
    pdu = V2C.ResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, [(V2C.ObjectIdentifier(o), v) for o, v in var_binds])
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, COMMUNITY)
    V2C.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def _arcs(oid: str) -> tuple[int, ...]:
    return tuple(int(a) for a in oid.split("."))


class AgentDouble(asyncio.DatagramProtocol):
    def __init__(self, rows: dict[str, Any]) -> None:
        self.rows = rows
        self.order = sorted(rows, key=_arcs)
        self.keys = [_arcs(o) for o in self.order]
        self.silent: tuple[str, ...] = ()  # subtrees whose requests get no answer
        self.backwards: str | None = None  # a subtree answered with OIDs going backwards
        self.garbage: str | None = None  # a subtree answered with undecodable varbinds
        self.requests = 0
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        message, _rest = decoder.decode(data, asn1Spec=V2C.Message())
        if bytes(V2C.apiMessage.get_community(message)) != COMMUNITY.encode():
            return
        self.requests += 1
        pdu = V2C.apiMessage.get_pdu(message)
        asked = [str(oid) for oid, _value in V2C.apiPDU.get_varbinds(pdu)]
        first = asked[0]
        if any(first == s or first.startswith(s + ".") for s in self.silent):
            return
        request_id = int(V2C.apiPDU.get_request_id(pdu))
        if pdu.isSameTypeWith(V2C.GetRequestPDU()):
            answer = [(o, self.rows.get(o, rfc1905.noSuchInstance)) for o in asked]
        else:
            start = bisect.bisect_right(self.keys, _arcs(first))
            chosen = self.order[start:start + int(V2C.apiBulkPDU.get_max_repetitions(pdu))]
            answer = [(o, self.rows[o]) for o in chosen] or [(first, rfc1905.endOfMibView)]
            if self.backwards and first.startswith(self.backwards) and len(answer) > 1:
                answer = answer[::-1]
        raw = response_bytes(answer, request_id)
        if self.garbage and first.startswith(self.garbage):
            raw = raw[:-4] + b"\x30\x7f\x06\x01"  # a varbind whose length runs past the end
        self.transport.sendto(raw, addr)


@contextmanager
def agent_double() -> Iterator[tuple[asyncio.AbstractEventLoop, AgentDouble, Target]]:
    loop = asyncio.new_event_loop()
    try:
        transport, double = loop.run_until_complete(loop.create_datagram_endpoint(
            lambda: AgentDouble(_rows()), local_addr=("127.0.0.1", 0)))
        try:
            yield loop, double, Target("127.0.0.1", transport.get_extra_info("sockname")[1])
        finally:
            transport.close()
            loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()


def collect(loop: asyncio.AbstractEventLoop, target: Target, **options: Any) -> CollectResult:
    async def run() -> CollectResult:
        defaults: dict[str, Any] = {"timeout": 0.2, "retries": 0, "max_repetitions": 7,
                                    "subtrees": SUBTREES, "scalars": {"x": SCALAR}}
        async with SnmpCollector(CollectOptions(**{**defaults, **options})) as collector:
            return await collector.collect(target, SnmpV2c(Secret(COMMUNITY)))

    return loop.run_until_complete(run())


def statuses(result: CollectResult) -> dict[str, str]:
    return {c.name: c.status for c in result.coverage}


@pytest.mark.parametrize("walks", [1, 3])
def test_every_row_in_walk_order_with_coverage(walks: int) -> None:
    with agent_double() as (loop, double, target):
        result = collect(loop, target, parallel_walks=walks)
    expected = [o for root in SUBTREES.values() for o in double.order if o.startswith(root + ".")]
    assert list(result.varbinds) == [*expected, SCALAR]
    assert result.varbinds["1.3.6.1.2.1.1.5.0"] == b"sw1"
    assert result.varbinds["1.3.6.1.9.4.1.7"] == 407
    assert list(statuses(result)) == [*SUBTREES, "scalars"]
    assert set(statuses(result).values()) == {"ok"}
    table_a = next(c for c in result.coverage if c.name == "a")
    assert (table_a.rows, table_a.requests) == (30, 5)  # 7 + 7 + 7 + 7 + 2 (and the next table)


def test_two_silent_tables_in_a_row_skip_the_rest_when_walked_one_by_one() -> None:
    with agent_double() as (loop, double, target):
        double.silent = (SUBTREES["b"], SUBTREES["c"])
        result = collect(loop, target, parallel_walks=1)
    assert statuses(result) == {"system": "ok", "a": "ok", "b": "timeout", "c": "timeout",
                                "d": "skipped", "e": "skipped", "f": "skipped", "scalars": "ok"}
    assert not any(o.startswith(SUBTREES["d"] + ".") for o in result.varbinds)


def test_silent_tables_walked_in_parallel_time_out_alone() -> None:
    with agent_double() as (loop, double, target):
        double.silent = (SUBTREES["b"], SUBTREES["c"])
        result = collect(loop, target, parallel_walks=4)
    assert statuses(result) == {"system": "ok", "a": "ok", "b": "timeout", "c": "timeout",
                                "d": "ok", "e": "ok", "f": "ok", "scalars": "ok"}


def test_silent_system_group_is_a_target_timeout_after_one_request() -> None:
    with agent_double() as (loop, double, target):
        double.silent = ("1",)
        with pytest.raises(SnmpTimeout) as caught:
            collect(loop, target, parallel_walks=4, retries=1)
    assert str(target) in str(caught.value) and COMMUNITY not in str(caught.value)
    assert double.requests == 2  # one request, retried once; no other table tried


def test_oids_going_backwards_are_a_table_error_and_undecodable_answers_a_timeout() -> None:
    with agent_double() as (loop, double, target):
        double.backwards, double.garbage = SUBTREES["d"], SUBTREES["e"]
        result = collect(loop, target)
    details = {c.name: c.detail for c in result.coverage}
    assert statuses(result)["d"] == "error" and "OID not increasing" in (details["d"] or "")
    # pysnmp drops a datagram it cannot decode, as a lost one: that table times out
    assert statuses(result)["e"] == "timeout"
    assert statuses(result)["f"] == "ok"


def test_the_v2c_socket_has_a_large_receive_buffer() -> None:
    """Many targets' answers share one socket: the default ~208 KiB buffer drops them."""
    from pysnmp.carrier.asyncio.dgram import udp

    from discovery.snmp.collect_pysnmp import RECEIVE_BUFFER, close_dispatcher, new_dispatcher

    async def size() -> int:
        dispatcher = new_dispatcher()
        try:
            await asyncio.sleep(0.01)  # the transport is made on the loop
            transport = dispatcher.transport_dispatcher.get_transport(udp.DOMAIN_NAME)
            sock = transport.transport.get_extra_info("socket")
            return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
        finally:
            close_dispatcher(dispatcher)

    cap = int(Path("/proc/sys/net/core/rmem_max").read_text())
    # Linux doubles what is asked (bookkeeping) and caps it at rmem_max (doubled)
    assert asyncio.run(size()) == 2 * min(RECEIVE_BUFFER, cap)


@pytest.mark.parametrize("walks", [1, 4])
def test_a_table_is_walked_only_when_the_answer_it_depends_on_leaves_it_needed(walks: int) -> None:
    """oids.WALK_WHEN: a fallback table only when its primary is empty (or failed), a
    detail table only when its primary has rows; one not needed costs no request."""
    subtrees = {"g": "1.3.6.1.9.7", **SUBTREES}  # g: nothing below it
    walk_when = {"c": ("a", False), "d": ("g", False), "e": ("g", True), "f": ("b", False)}
    with agent_double() as (loop, double, target):
        double.silent = (SUBTREES["b"],)
        result = collect(loop, target, parallel_walks=walks, subtrees=subtrees,
                         walk_when=walk_when)
    assert statuses(result) == {"system": "ok", "a": "ok", "b": "timeout", "c": "empty",
                                "d": "ok", "e": "empty", "f": "ok", "g": "empty",
                                "scalars": "ok"}
    details = {c.name: (c.requests, c.detail) for c in result.coverage}
    assert details["c"] == (0, "not needed: a ok") and details["e"] == (0, "not needed: g empty")
    assert not any(o.startswith((SUBTREES["c"] + ".", SUBTREES["e"] + ".")) for o in result.varbinds)
    assert any(o.startswith(SUBTREES["f"] + ".") for o in result.varbinds)  # b failed: walked


def test_a_table_cannot_wait_for_one_walked_after_it() -> None:
    with pytest.raises(ValueError, match="'a' waits for 'b'"):
        CollectOptions(subtrees=SUBTREES, walk_when={"a": ("b", True)})
