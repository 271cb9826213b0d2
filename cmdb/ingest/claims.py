"""Claims: one device, one owner per source (the duplicate-identity rule of scoped ingest).

A top-level Device CI records, per source, the scope that owns it (`_claims`). A scoped
change set reporting a device owned by another scope of its source is refused
(`DuplicateIdentity`), unless the claim was made earlier in the same run by a scope that
sorts later, or lapsed; then this scope takes it over and what the previous owner held on
it is retracted. The decisions here are pure; the rule book is docs/ingest.md#claims.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from cmdb.ingest.context import IngestContext
from cmdb.ingest.identify import Identified
from cmdb.ingest.reader import OpenLink, Part, State, StoredSummary
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from cmdb.write import CIUpdate

OWNED_CLASS = "Device"  # the schema's class whose (top-level) CIs have an owner per source
# Devices that other devices tell of, never answering discovery themselves (a phone an
# LLDP neighbour table names, a host the FDB and ARP tables place): no owner, so one that
# moves to another switch, or that two switches see, is reported by either.
SHARED_CLASSES = ("Endpoint",)

Lapse = Literal["live", "lapsing", "lapsed"]
Verdict = Literal["own", "claim", "take_over", "refuse"]


# -- the rule (pure) ------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    """A scope's ownership of a device for one source, since discovery run `run`.

    `prev` is the claim this one replaced within its run (its owner may still win it
    back in that run); None otherwise.
    """

    scope: str
    run: str | None = None
    prev: Claim | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scope": self.scope, "run": self.run}
        if self.prev is not None:
            out["prev"] = {"scope": self.prev.scope, "run": self.prev.run}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        prev = data.get("prev")
        return cls(str(data["scope"]), data.get("run"),
                   cls(str(prev["scope"]), prev.get("run")) if prev else None)  # fmt: skip


def read_claims(text: str | None) -> dict[str, Claim]:
    """`_claims` as stored -> source -> claim."""
    return {source: Claim.from_dict(data) for source, data in json.loads(text or "{}").items()}


def claims_text(claims: dict[str, Claim]) -> str:
    return json.dumps({s: c.as_dict() for s, c in claims.items()}, sort_keys=True)


def scope_order(scope: str) -> tuple[Any, ...]:
    """The order of rival claims within one run: by address when the scope names one
    (`snmp:127.0.0.9` before `snmp:127.0.0.10`, IPv4 before IPv6), else by text after
    every address."""
    source, _, target = scope.partition(":")
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return (source, 1, 0, 0, target)
    return (source, 0, address.version, int(address), target)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    claim: Claim | None = None  # the claim to store; None: as stored
    retract: str | None = None  # take_over: the scope whose hold on the device is retracted
    why: str = ""  # refuse: why the owner keeps it; take_over of a rival: why it loses


def decide(claim: Claim | None, scope: str, run: str | None, lapse: Lapse = "live") -> Decision:
    """What happens when `scope`, in discovery run `run` (None: not a discovery run),
    reports a device with this stored claim (for the change set's source).

    `lapse` says how the owner's claim stands when it is a rival's from an earlier run:
    live, lapsing (its CI went absent in this very run) or lapsed.
    """
    if claim is None:
        return Decision("claim", Claim(scope, run))
    if claim.scope == scope:
        return Decision("own")
    if run is not None and claim.run == run:
        if claim.prev is not None and claim.prev.scope == scope:
            return Decision("take_over", claim.prev, claim.scope, why=(
                f"owned by {scope} before this run, which reports it in this run too"
            ))  # fmt: skip
        if scope_order(scope) < scope_order(claim.scope):
            return Decision("take_over", Claim(scope, run, claim.prev), claim.scope, why=(
                f"claimed in this run by {scope} too, which comes first (rival claims of "
                "one run go by address)"
            ))  # fmt: skip
        return Decision("refuse", why=(
            f"claimed in this run by {claim.scope}, which comes first (rival claims of one run "
            "go by address)"
        ))  # fmt: skip
    if lapse == "lapsed":
        return Decision("take_over", Claim(scope, run, Claim(claim.scope, claim.run)),
                        claim.scope)  # fmt: skip
    if lapse == "lapsing":
        return Decision("refuse", why=(
            f"owned by {claim.scope}, whose CI went absent in this run: it passes to "
            f"{scope} in the next run"
        ))  # fmt: skip
    return Decision("refuse", why=(
        f"owned by {claim.scope} (it passes to {scope} once that CI goes absent, or once "
        f"{claim.scope} has not reported it for the staleness period)"
    ))  # fmt: skip


@dataclass
class DuplicateIdentity:
    """A device a scope reported and another scope of the source owns: refused when the
    change set at hand reports it (`withdrawn` False), or, when the change set at hand
    takes it over from a claim made earlier in the same run, that scope's report of it
    withdrawn (`withdrawn` True: `scope` is the loser, not the change set's scope)."""

    scope: str
    cls: str
    key: str  # the device fact's key in the change set
    identifiers: dict[str, str]  # the identifier set that matched, with its values
    uid: str
    name: str | None
    owner: str
    why: str
    parts: int = 0  # facts under the device left out with it (withdrawn: gone absent)
    links: int = 0  # links left out because they touch what was left out (withdrawn: closed)
    withdrawn: bool = False

    def message(self) -> str:
        ids = ", ".join(f"{a}={v}" for a, v in self.identifiers.items())
        ci = f"CI {self.uid}" + (f" ({self.name})" if self.name else "")
        what = (
            f"what it had reported of the device was withdrawn ({self.parts} part(s) absent, "
            f"{self.links} link(s) closed)"
            if self.withdrawn
            else f"the device, {self.parts} fact(s) under it and {self.links} link(s) touching "
            "them were not ingested"
        )
        return (
            f"{self.scope} reports {self.cls} {ids}, which identifies {ci}, {self.why}. "
            "Two targets answer as one device (one box at two addresses, or two boxes sharing "
            f"an identity): {what}; the rest of what it reported stays"
        )


def owned(schema: Schema, cs: ChangeSet, cls_name: str, parent_uid: str | None) -> bool:
    """Whether the rule applies: a top-level device in a scoped change set (not one of
    the `SHARED_CLASSES`)."""
    return (
        bool(cs.scope)
        and parent_uid is None
        and schema.is_a(cls_name, OWNED_CLASS)
        and not any(schema.is_a(cls_name, shared) for shared in SHARED_CLASSES)
    )


def new_claims(cs: ChangeSet) -> str:
    """`_claims` of a device this change set creates."""
    assert cs.scope is not None
    return claims_text({cs.source: Claim(cs.scope, cs.discovery_run)})


# -- the claims stage: decisions on the devices of a change set -----------------------
@dataclass(frozen=True)
class ClaimOutcome:
    """The decision on one device: refused (left out with what hangs on it), or the
    claims to store and whose hold on it to retract (a rival of this run losing it is
    reported as `withdrawn`)."""

    uid: str
    refused: DuplicateIdentity | None = None
    claims: str | None = None  # `_claims` to store; None: as stored
    retract: str | None = None
    withdrawn: DuplicateIdentity | None = None


def contested(ctx: IngestContext, ident: Identified, summary: StoredSummary | None) -> bool:
    """Whether another scope of this source claims the device (its stored state is then
    needed: whether the claim lapsed, the name to report)."""
    if not owned(ctx.schema, ctx.changeset, ident.group.cls.name, ident.group.parent_uid):
        return False
    claim = read_claims(summary.claims if summary else None).get(ctx.source)
    return claim is not None and claim.scope != ctx.scope


def needs_run(ctx: IngestContext, summary: StoredSummary | None, state: State | None) -> bool:
    """Whether the lapse of a rival's claim needs the run that made the CI's state."""
    claim = read_claims(summary.claims if summary else None).get(ctx.source)
    return (
        claim is not None
        and not (ctx.run and claim.run == ctx.run)
        and state is not None
        and state.get("status") != "active"
    )


def lapse_of(ctx: IngestContext, state: State, state_run: str | None) -> Lapse:
    """How a rival's claim from an earlier run stands: its CI went absent before this run
    (lapsed) or in it (lapsing), or its source has been silent past the staleness."""
    if state.get("status") != "active":
        return "lapsing" if state_run is not None and state_run == ctx.run else "lapsed"
    seen = json.loads(state.get("_seen") or "{}").get(ctx.source)
    if seen is None or ctx.at - datetime.fromisoformat(seen) > ctx.schema.precedence.staleness:
        return "lapsed"
    return "live"


def decide_claim(
    ctx: IngestContext,
    ident: Identified,
    summary: StoredSummary | None,
    state: State | None,
    state_run: str | None,
) -> ClaimOutcome | None:
    """The claims rule for a device identified to a stored CI (None: the rule does not
    apply). `state` is needed when `contested`, `state_run` when `needs_run`."""
    scope = ctx.scope
    if scope is None or not owned(
        ctx.schema, ctx.changeset, ident.group.cls.name, ident.group.parent_uid
    ):
        return None
    claims = read_claims(summary.claims if summary else None)
    claim = claims.get(ctx.source)
    lapse: Lapse = "live"
    if claim is not None and claim.scope != scope and not (ctx.run and claim.run == ctx.run):
        assert state is not None
        lapse = lapse_of(ctx, state, state_run)
    decision = decide(claim, scope, ctx.run, lapse)
    if decision.verdict == "refuse":
        assert claim is not None
        return ClaimOutcome(
            ident.uid, refused=duplicate(ident, state, scope, claim.scope, decision.why)
        )
    text = None
    if decision.claim is not None:
        text = claims_text({**claims, ctx.source: decision.claim})
    withdrawn = None
    if decision.retract is not None and decision.why:  # a rival of this run loses it
        withdrawn = replace(
            duplicate(ident, state, decision.retract, scope, decision.why), withdrawn=True
        )
    return ClaimOutcome(ident.uid, claims=text, retract=decision.retract, withdrawn=withdrawn)


def duplicate(
    ident: Identified, state: State | None, scope: str, owner: str, why: str
) -> DuplicateIdentity:
    group = ident.group
    id_set = group.cls.identification[ident.matched] if ident.matched is not None else ()
    return DuplicateIdentity(
        scope=scope,
        cls=group.cls.name,
        key=group.facts[0].key,
        identifiers={a: str(group.attrs[a]) for a in id_set},
        uid=ident.uid,
        name=(state or {}).get("name"),
        owner=owner,
        why=why,
    )


@dataclass(frozen=True)
class Held:
    """What a previous owner's scope holds on a device taken over, as read."""

    old_scope: str
    parts: Sequence[Part]
    links: Sequence[OpenLink]
    pending: Sequence[tuple[str, str]]  # (id, type)


@dataclass
class Retraction:
    updates: list[CIUpdate] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # uids, in order
    went_absent: int = 0
    closes: list[str] = field(default_factory=list)
    pending_deletes: list[str] = field(default_factory=list)
    parts_of: dict[str, int] = field(default_factory=dict)  # withdrawn device -> parts absent
    links_of: dict[str, int] = field(default_factory=dict)  # withdrawn device -> links closed


def retract(
    ctx: IngestContext,
    held: Mapping[str, Held],
    withdrawn: set[str],
    reported: set[tuple[str, str, str]],
    seen: set[str],
    deleted: set[str],
) -> Retraction:
    """What the previous owners of devices taken over held on them: parts this change set
    does not report go absent, links and pending links on the device and its parts that
    it does not report close (a reported one passes to this scope in the links stage);
    within what the change set certifies. A part a rival created in this same run and
    now withdrawn never existed before it: counted with the duplicate, not as absent."""
    classes, rels = ctx.changeset.certified_classes, ctx.changeset.certified_links
    out = Retraction()
    closing: set[str] = set()
    dropping = set(deleted)
    for uid, h in sorted(held.items()):
        for part in h.parts:
            if (
                part.scope == h.old_scope
                and part.status == "active"
                and part.uid not in seen
                and (classes is None or part.cls in classes)
            ):
                out.updates.append(CIUpdate(part.uid, {"status": "absent"}, ["status"]))
                out.absent.append(part.uid)
                if uid in withdrawn:
                    out.parts_of[uid] = out.parts_of.get(uid, 0) + 1
                if uid not in withdrawn or part.made_in is None or part.made_in != ctx.run:
                    out.went_absent += 1
        for link in h.links:
            a, b, rel = link.a, link.b, ctx.schema.relationships.get(link.type)
            if rel is not None and rel.symmetric and b < a:
                a, b = b, a
            if (link.type, a, b) in reported or link.id in closing:
                continue
            if rels is not None and link.type not in rels:
                continue
            closing.add(link.id)
            out.closes.append(link.id)
            if uid in withdrawn:
                out.links_of[uid] = out.links_of.get(uid, 0) + 1
        for pending_id, rel_name in h.pending:
            if pending_id not in dropping and (rels is None or rel_name in rels):
                dropping.add(pending_id)
                out.pending_deletes.append(pending_id)
    return out
