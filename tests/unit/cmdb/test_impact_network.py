"""The prepared reachability index (`Network`, built once per kept topology) answers
every failure as the definition does, read naively: distances before, distances with
the failed CIs' links taken out, then every link looked at (random networks of
network devices and dual-homed servers, random failures of devices and ports)."""

from __future__ import annotations

import random

from cmdb.impact.reach import DeviceLink, Network, distances


def naive_effects(
    links: list[DeviceLink], roots: frozenset[str], transit: frozenset[str], failed: set[str]
) -> tuple[frozenset[str], frozenset[str]]:
    before = distances(links, roots, transit)
    kept = [link for link in links if not {link.a, link.i, link.j, link.b} & failed]
    after = distances(kept, roots - failed, transit)
    unreachable = frozenset(d for d in before if d not in after and d not in failed)
    lost = unreachable | failed
    degraded = set()
    for link in links:
        for near, far in ((link.a, link.b), (link.b, link.a)):
            if far in after and far not in failed and near in before:
                if before[near] < before[far] and (link not in kept or near in lost):
                    degraded.add(far)
    return unreachable, frozenset(degraded)


def random_network(rng: random.Random) -> tuple[list[DeviceLink], frozenset[str], frozenset[str]]:
    switches = [f"sw{n}" for n in range(rng.randint(3, 14))]
    servers = [f"srv{n}" for n in range(rng.randint(0, 10))]
    links: list[DeviceLink] = []

    def join(a: str, b: str) -> None:
        n = len(links)
        links.append(DeviceLink(a, f"{a}:{n}", f"{b}:{n}", b))

    for n, switch in enumerate(switches[1:], 1):
        join(rng.choice(switches[:n]), switch)  # a tree, then extra links and bundles
    for _ in range(rng.randint(0, 8)):
        a, b = rng.sample(switches, 2)
        join(a, b)
    for server in servers:
        for switch in rng.sample(switches, rng.choice((1, 2))):
            join(server, switch)
    roots = frozenset(rng.sample(switches, rng.choice((1, 2))))
    return links, roots, frozenset(switches)


def test_the_prepared_network_answers_every_failure_as_the_definition_does() -> None:
    rng = random.Random(12)
    checked = 0
    for _ in range(300):
        links, roots, transit = random_network(rng)
        network = Network(links, roots, transit)
        cis = sorted({ci for link in links for ci in (link.a, link.i, link.j, link.b)})
        for _ in range(5):
            failed = set(rng.sample(cis, rng.randint(1, 3)))
            got = network.effects(dict.fromkeys(failed, "DOWN"))
            assert got == naive_effects(links, roots, transit, failed), (links, roots, failed)
            checked += bool(got[0] or got[1])
    assert checked > 300  # most failures cut something off or take a path away
