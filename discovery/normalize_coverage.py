"""What a change set certifies when part of the device did not answer. Pure.

A scoped change set closes the links and counts a miss for the CIs it no longer
reports. That is only fair for what the getters that answered would have shown: a
table that timed out or a command that failed proves nothing. Each driver says which
getters it collects and which of them a failure left incomplete (`facts.Coverage`);
`PRODUCES` says what each getter feeds, `HANGS_FROM` what else hangs from its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from discovery.facts import Coverage, Getter


@dataclass(frozen=True, slots=True)
class Feeds:
    classes: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


PRODUCES: dict[Getter, Feeds] = {
    "interfaces": Feeds(frozenset({"Interface"}), frozenset({"HAS_INTERFACE"})),
    "addresses": Feeds(frozenset({"IPAddress", "Subnet"}), frozenset({"HAS_ADDRESS", "IN_SUBNET"})),
    # endpoints come from neighbours, and from FDB rows joined to ARP rows
    "neighbours": Feeds(frozenset({"Endpoint"}), frozenset({"CONNECTED_TO"})),
    "fdb": Feeds(frozenset({"Endpoint"}), frozenset({"CONNECTED_TO"})),
    "arp": Feeds(frozenset({"Endpoint"}), frozenset({"CONNECTED_TO"})),
    "components": Feeds(frozenset({"SerializedComponent", "LocalComponent"}),
                        frozenset({"HAS_COMPONENT", "CONTAINS", "CARRIES"})),
    "lags": Feeds(links=frozenset({"LAG_MEMBER_OF"})),
    "vlans": Feeds(frozenset({"VLAN"}), frozenset({"IN_VLAN"})),
    "software": Feeds(frozenset({"Software"}), frozenset({"INSTALLED_ON"})),
    "services": Feeds(frozenset({"Service"}), frozenset({"RUNS_ON"})),
}  # the other getters (system, inventory...) feed device attributes only
# An endpoint's port and addresses are Interface and IPAddress CIs, certified by the
# device's own getters: while its getter is incomplete they count a miss (the endpoint
# does not), and come back active when it answers again.
# Without the ports, addresses hang from the device and neighbours, FDB hosts, VLAN and
# LAG members and the components carrying ports have no port.
HANGS_FROM: dict[Getter, frozenset[str]] = {
    "interfaces": frozenset({"HAS_ADDRESS", "CONNECTED_TO", "IN_VLAN", "LAG_MEMBER_OF",
                             "CARRIES"}),
}


@dataclass(frozen=True, slots=True)
class Certified:
    classes: list[str] | None
    links: list[str] | None


def certify(device_class: str, coverage: Coverage) -> Certified:
    """None/None when nothing failed; nothing at all when a failure is unaccounted for;
    otherwise what the getters produce less what the incomplete ones feed."""
    if not coverage.failed:
        return Certified(None, None)
    if coverage.unaccounted:
        return Certified([], [])
    none = Feeds()
    produced = [PRODUCES.get(getter, none) for getter in coverage.getters]
    lost = [PRODUCES.get(getter, none) for getter in coverage.incomplete]
    lost_links = frozenset().union(*(f.links for f in lost),
                                   *(HANGS_FROM.get(g, frozenset()) for g in coverage.incomplete))
    return Certified(
        sorted({device_class}.union(*(f.classes for f in produced))
               - frozenset().union(*(f.classes for f in lost))),
        sorted(frozenset().union(*(f.links for f in produced)) - lost_links),
    )  # fmt: skip
