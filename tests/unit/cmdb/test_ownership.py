"""The duplicate-identity rule (cmdb.ingest.claims) as pure logic: who owns a device after
any sequence of reports, and that the order of one run's reports never matters."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from cmdb.ingest.claims import (
    Claim,
    DuplicateIdentity,
    Lapse,
    claims_text,
    decide,
    read_claims,
    scope_order,
)

A, B, C = "snmp:127.0.0.9", "snmp:127.0.0.10", "snmp:127.0.0.200"


def test_scopes_order_by_address_then_text() -> None:
    scopes = ["snmp:sw1.example", "snmp:::1", B, "snmp:127.0.0.200", A, "snmp:10.1.0.1"]
    assert sorted(scopes, key=scope_order) == [
        "snmp:10.1.0.1", A, B, "snmp:127.0.0.200", "snmp:::1", "snmp:sw1.example",
    ]  # fmt: skip


def test_claims_round_trip_as_json() -> None:
    claims = {"snmp": Claim(B, "r2", Claim(A, "r1")), "ssh": Claim("ssh:127.0.0.9")}
    text = claims_text(claims)
    assert read_claims(text) == claims
    assert read_claims(None) == {} and read_claims("{}") == {}
    assert text == claims_text(read_claims(text))  # stable text: no spurious writes


@pytest.mark.parametrize(
    ("claim", "scope", "run", "lapse", "verdict", "stored", "retract"),
    [
        (None, A, "r1", "live", "claim", Claim(A, "r1"), None),
        (Claim(A, "r1"), A, "r2", "live", "own", None, None),
        # a rival of another run: refused while the owner is live or lapsing
        (Claim(A, "r1"), B, "r2", "live", "refuse", None, None),
        (Claim(A, "r1"), B, "r2", "lapsing", "refuse", None, None),
        (Claim(B, "r1"), A, "r2", "live", "refuse", None, None),  # whatever the order
        # ... and takes it over once the owner's claim lapsed (the device moved)
        (Claim(A, "r1"), B, "r2", "lapsed", "take_over", Claim(B, "r2", Claim(A, "r1")), A),
        # rivals within one run: the first address wins
        (Claim(B, "r1"), A, "r1", "live", "take_over", Claim(A, "r1"), B),
        (Claim(A, "r1"), B, "r1", "live", "refuse", None, None),
        # ... and the owner from before the run wins back what a rival took in it
        (Claim(A, "r2", Claim(C, "r0")), C, "r2", "live", "take_over", Claim(C, "r0"), A),
        (Claim(B, "r2", Claim(C, "r0")), A, "r2", "live", "take_over",
         Claim(A, "r2", Claim(C, "r0")), B),
        # no discovery run: no run to share, the owner keeps it
        (Claim(A, None), B, None, "live", "refuse", None, None),
        (Claim(B, None), A, None, "live", "refuse", None, None),
    ],
)  # fmt: skip
def test_decide(
    claim: Claim | None, scope: str, run: str | None, lapse: Lapse, verdict: str,
    stored: Claim | None, retract: str | None,
) -> None:  # fmt: skip
    decision = decide(claim, scope, run, lapse)
    assert (decision.verdict, decision.claim, decision.retract) == (verdict, stored, retract)
    assert bool(decision.why) == (verdict == "refuse" or (retract is not None and lapse != "lapsed"))


def test_refusal_names_the_identity_and_the_owner() -> None:
    why = decide(Claim(A, "r1"), B, "r2").why
    dup = DuplicateIdentity(scope=B, cls="NetworkDevice", key="dev",
                            identifiers={"serial_number": "SN1"}, uid="u1", name="dumsys-55",
                            owner=A, why=why, parts=3, links=4)  # fmt: skip
    text = dup.message()
    assert text.startswith(f"{B} reports NetworkDevice serial_number=SN1, which identifies CI "
                           f"u1 (dumsys-55), owned by {A} (it passes to {B} once that CI goes absent")  # fmt: skip
    assert "3 fact(s) under it and 4 link(s)" in text and "not ingested" in text


# -- a model of the graph's side, to run whole sequences of runs through the rule ------
@dataclass
class Device:
    """What the rule sees of one device: its claim, and whether (since which run) absent."""

    claim: Claim | None = None
    absent_since: str | None = None  # the run in which it went absent
    refused: list[str] = field(default_factory=list)

    def report(self, scope: str, run: str) -> None:
        lapse: Lapse = "live"
        if self.absent_since is not None:
            lapse = "lapsing" if self.absent_since == run else "lapsed"
        decision = decide(self.claim, scope, run, lapse)
        if decision.verdict == "refuse":
            self.refused.append(scope)
            return
        if decision.claim is not None:
            self.claim = decision.claim
        self.absent_since = None  # reported by its owner: active

    def gone(self, scope: str, run: str) -> None:
        """The scope's target refused for the last of its allowed missed runs."""
        if self.claim is not None and self.claim.scope == scope and self.absent_since is None:
            self.absent_since = run


def run_events(device: Device, run: str, events: tuple[tuple[str, str], ...]) -> None:
    for kind, scope in events:
        if kind == "report":
            device.report(scope, run)
        else:
            device.gone(scope, run)


@pytest.mark.parametrize(
    "history",
    [
        # two, then three targets of one serial, on a new device
        [[("report", A), ("report", B)], [("report", A), ("report", B)]],
        [[("report", A), ("report", B), ("report", C)], [("report", C), ("report", B)]],
        # a newcomer with a lower address does not take an established device
        [[("report", B)], [("report", A), ("report", B)], [("report", B), ("report", A)]],
        # the owner is gone (absent in run 2) while the device answers at a new address
        [[("report", A)], [("gone", A), ("report", C)], [("gone", A), ("report", C)]],
        # ... and two new addresses answer at once
        [[("report", A)], [("gone", A), ("report", C)], [("report", C), ("report", B)]],
        # ... and the old owner comes back in the very run the device would pass
        [[("report", A)], [("gone", A), ("report", C)], [("report", C), ("report", A)]],
    ],
)
def test_no_order_of_one_run_changes_the_outcome(history: list[list[tuple[str, str]]]) -> None:
    """For every run, every order of its events leaves the same owner and absence."""
    outcomes = set()
    for orders in itertools.product(*(itertools.permutations(run) for run in history)):
        device = Device()
        trail = []
        for n, events in enumerate(orders, start=1):
            run_events(device, f"r{n}", events)
            assert device.claim is not None
            trail.append((device.claim.scope, device.absent_since is not None))
        outcomes.add(tuple(trail))
    assert len(outcomes) == 1, outcomes


def test_owner_keeps_it_and_a_move_completes_the_run_after_the_absence() -> None:
    device = Device()
    run_events(device, "r1", (("report", B), ("report", A)))
    assert device.claim == Claim(A, "r1") and device.refused == []  # B lost it in r1
    run_events(device, "r2", (("report", B), ("report", A)))
    assert device.claim == Claim(A, "r1") and device.refused == [B]  # the second run: as is
    run_events(device, "r3", (("report", C), ("gone", A)))  # A goes absent in r3
    assert device.claim == Claim(A, "r1") and device.refused == [B, C]
    run_events(device, "r4", (("report", C), ("report", B)))  # passes in r4, first address
    assert device.claim == Claim(B, "r4", Claim(A, "r1"))
    run_events(device, "r5", (("report", A), ("report", C), ("report", B)))
    assert device.claim == Claim(B, "r4", Claim(A, "r1")) and device.refused[-2:] == [A, C]
