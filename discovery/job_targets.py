"""The target syntax of job files (discovery.jobs): address spans and networks, how many
addresses a job sweeps (counted by arithmetic, never by expanding), and the expansion.

A span is a CIDR (its usable hosts), an inclusive range `first-last`, or one address.
One span of more than 65,536 addresses (larger than an IPv4 /16) is refused; a whole
job is held to its `max_targets` (discovery.jobs) by `count_addresses`, which works on
the spans' bounds, so a refused job never costs the memory of its expansion.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_EXPANSION = 65_536  # addresses in one CIDR or range: an IPv4 /16


@dataclass(frozen=True, slots=True)
class AddressSpan:
    """One target entry: an inclusive first..last address range (a host is first == last)."""

    text: str
    first: IPAddress
    last: IPAddress

    @property
    def size(self) -> int:
        return int(self.last) - int(self.first) + 1

    def addresses(self) -> Iterator[IPAddress]:
        kind = type(self.first)
        for value in range(int(self.first), int(self.last) + 1):
            yield kind(value)

    def within(self, network: Network) -> bool:
        return (
            self.first.version == network.version and self.first in network and self.last in network
        )

    def holds(self, address: IPAddress) -> bool:
        same = address.version == self.first.version
        return same and int(self.first) <= int(address) <= int(self.last)


def parse_span(text: str) -> AddressSpan:
    """'10.0.0.0/24' (its usable hosts), '10.0.0.1-10.0.0.9' or '10.0.0.5'.

    Raises ValueError with a message fit for a user. Host names are refused: resolving
    one would send a DNS query, and what it resolves to can change between runs.
    """
    text = text.strip()
    try:
        if "/" in text:
            net = ipaddress.ip_network(text, strict=False)
            if net.num_addresses > MAX_EXPANSION:
                raise ValueError(
                    f"{text}: more than {MAX_EXPANSION} addresses (larger than a /16); "
                    "split it into smaller blocks"
                )
            if net.num_addresses <= 2 or net.version == 6:
                return AddressSpan(text, net[0], net[-1])
            return AddressSpan(text, net[1], net[-2])  # no network/broadcast address
        if "-" in text:
            left, _, right = text.partition("-")
            first = ipaddress.ip_address(left.strip())
            last = ipaddress.ip_address(right.strip())
            if first.version != last.version or int(last) < int(first):
                raise ValueError(f"{text}: a range runs from a lower to a higher address")
            span = AddressSpan(text, first, last)
            if span.size > MAX_EXPANSION:
                raise ValueError(f"{text}: more than {MAX_EXPANSION} addresses; split it")
            return span
        address = ipaddress.ip_address(text)
    except ValueError as exc:
        if re.search(r"[A-Za-z]", text) and ":" not in text:
            raise ValueError(
                f"{text!r} is not an address, range or CIDR (host names are not resolved: "
                "give the address)"
            ) from None
        raise ValueError(str(exc)) from None
    return AddressSpan(text, address, address)


def parse_network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a network in CIDR form: {exc}") from None


Interval = tuple[int, int, int]  # (IP version, first, last), inclusive


def _merged(spans: Iterable[AddressSpan]) -> list[Interval]:
    """The spans as disjoint intervals, sorted (overlapping and adjacent ones joined)."""
    out: list[Interval] = []
    for version, first, last in sorted((s.first.version, int(s.first), int(s.last))
                                       for s in spans):  # fmt: skip
        if out and out[-1][0] == version and first <= out[-1][2] + 1:
            out[-1] = (version, out[-1][1], max(out[-1][2], last))
        else:
            out.append((version, first, last))
    return out


def count_addresses(targets: Sequence[AddressSpan], exclude: Sequence[AddressSpan]) -> int:
    """How many distinct addresses `expand` yields, from the bounds alone."""
    excluded = _merged(exclude)
    total = 0
    for version, first, last in _merged(targets):
        total += last - first + 1
        for ex_version, ex_first, ex_last in excluded:
            if ex_version == version:
                total -= max(0, min(last, ex_last) - max(first, ex_first) + 1)
    return total


def expand(targets: Sequence[AddressSpan], exclude: Sequence[AddressSpan]) -> list[str]:
    """Every address of `targets`, in their order, without duplicates or exclusions."""
    seen: set[str] = set()
    out: list[str] = []
    for span in targets:
        for address in span.addresses():
            key = str(address)
            if key in seen or any(ex.holds(address) for ex in exclude):
                continue
            seen.add(key)
            out.append(key)
    return out
