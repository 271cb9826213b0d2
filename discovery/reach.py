"""Is a silent target gone, or only silent? One packet that asks the network.

A target that times out proves nothing (DESIGN: nothing it held goes absent): the agent
may be busy, a firewall may drop us. A definite "nobody here" is different evidence:
the address answers that nothing listens on the port (TCP RST, ICMP port unreachable:
ECONNREFUSED) or a router answers that the host is not on its network (ICMP host
unreachable: EHOSTUNREACH). Those two are what these probes report; everything else,
silence included, is None.

The probes go only to a job's own targets (which the job file already limited to safe
networks), one packet each: a TCP connect to the SSH port, closed at once; a zero-length
UDP datagram to the SNMP port on a connected socket (Linux reports ICMP errors only on
connected UDP sockets; an agent ignores an empty datagram).
"""

from __future__ import annotations

import errno
import socket
from typing import Literal

Gone = Literal["refused", "host_unreachable"]

GONE_KINDS: frozenset[str] = frozenset({"refused", "host_unreachable"})


def _gone(exc: OSError) -> Gone | None:
    if isinstance(exc, ConnectionRefusedError) or exc.errno == errno.ECONNREFUSED:
        return "refused"
    if exc.errno == errno.EHOSTUNREACH:
        return "host_unreachable"
    return None


def tcp_gone(address: str, port: int, wait: float) -> Gone | None:
    """'refused' / 'host_unreachable' when the network says nobody is there, else None."""
    try:
        with socket.create_connection((address, port), timeout=wait):
            return None  # something listens: not gone
    except OSError as exc:
        return _gone(exc)


def udp_gone(address: str, port: int, wait: float) -> Gone | None:
    """The same for a UDP service: ICMP port/host unreachable, seen on a connected socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(wait)
        try:
            sock.connect((address, port))
            sock.send(b"")
            sock.recv(1)
        except OSError as exc:  # TimeoutError included: silence proves nothing
            return _gone(exc)
    return None  # something answered
