"""One device, one owner per source: the duplicate-identity rule of scoped ingest.

Discovery ingests one scoped change set per target (`snmp:127.77.0.5`). Two targets of one
source whose devices identify to the same Device CI (one box answering at two
addresses, or two boxes sharing a serial number) would otherwise update it in turn, run
after run: its name and management address would flip, and two boxes would silently be
one CI. So a top-level Device CI records, per source, the scope that owns it (`_claims`:
JSON, source -> {scope, run, prev}), and a scoped change set reporting it is decided so:

1. Unclaimed (new, or stored before this rule): this scope claims it.
2. Its owner reports it: as always.
3. Another scope of the same source (a rival) reports it: refused (`DuplicateIdentity`).
   The device fact, the facts under it (its interfaces) and every link touching them are
   left out, not attached to the owner's CI nor stored elsewhere; the rest of the change
   set (addresses, subnets, software) is ingested, and the result names the duplicate
   (discovery records a `duplicate_identity` failure for the target). The owner's data
   is left as it was.
4. Except that claims made within one discovery run are simultaneous: the rival whose
   scope sorts first (by address: `scope_order`) wins over a claim made earlier in the
   same run, and the owner from before the run wins back a claim another scope took in
   this run. Targets finish in any order, so without this the first run's owner would
   be whichever finished first.
5. A claim lapses when the owner's CI went absent or retired before this run (its target
   refused for `lifecycle.absent_after_missed_runs` runs, or the time rule) or when the
   owner's source has not reported it for the precedence staleness period: a rival then
   takes the device over (it moved to a new address). A CI that goes absent during a run
   passes in the next run, whichever target finishes first.

Taking a device over (4 or 5) retracts what the previous owner held on it: its
attributes from this source that the new owner does not report are cleared, its parts
the new owner does not report go absent at once, and its links and pending links on the
device and its parts that the new owner does not report close (all within what its
change set certifies); what the new owner does report passes to it. The stored CI is
then what the new owner reports, as if it had been first, which is what makes the
outcome independent of order (history keeps both, as it happened).

Other sources are not rivals (SSH and SNMP on one box reconcile by precedence), nor are
unscoped change sets (manual edits, imports), nor CIs other than top-level devices.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from cmdb.write import CIUpdate

if TYPE_CHECKING:
    from cmdb.ingest import _Group, _Planner

OWNED_CLASS = "Device"  # the schema's class whose (top-level) CIs have an owner per source

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
    """Whether the rule applies: a top-level device in a scoped change set."""
    return bool(cs.scope) and parent_uid is None and schema.is_a(cls_name, OWNED_CLASS)


def new_claims(cs: ChangeSet) -> str:
    """`_claims` of a device this change set creates."""
    assert cs.scope is not None
    return claims_text({cs.source: Claim(cs.scope, cs.discovery_run)})


# -- in ingest (cmdb.ingest._Planner) -------------------------------------------------
STATE_RUN = "MATCH (c:ChangeSet {id: $cs}) RETURN c.discovery_run AS run"
# The device's parts, and theirs (an address on an interface): scoped CIs two levels down,
# with the discovery run whose change set created each (its first state's `_cs`).
PARTS = """
MATCH (d:CI {uid: $uid})--(c:CI) WHERE c._parent = $uid
OPTIONAL MATCH (c)--(g:CI) WHERE g._parent = c.uid
WITH collect(DISTINCT c) + collect(DISTINCT g) AS parts
UNWIND parts AS c
WITH DISTINCT c
CALL (c) {
  MATCH (s:State) WHERE s.uid = c.uid
  WITH s ORDER BY s.uid, s._vfrom, s._to LIMIT 1
  OPTIONAL MATCH (made:ChangeSet {id: s._cs})
  RETURN made.discovery_run AS made_in
}
RETURN c.uid AS uid, c._class AS class, c._scope AS scope, c.status AS status, made_in
"""
SCOPED_LINKS_ON = """
UNWIND $uids AS u MATCH (:CI {uid: u})-[r]-()
WHERE r.until IS NULL AND r.scope = $scope AND r.source = $source
RETURN DISTINCT elementId(r) AS id, type(r) AS t, startNode(r).uid AS a, endNode(r).uid AS b
"""
SCOPED_PENDING_ON = (
    "MATCH (p:PendingLink {scope: $scope}) WHERE p.source = $source AND p.known_uid IN $uids "
    "RETURN elementId(p) AS id, p.type AS type"
)


def check_claims(p: _Planner, groups: Iterable[_Group]) -> None:
    """Decide every device of the change set that identified to a stored CI: refuse it
    (the planner drops it and what hangs on it), or note the claim to store and whose
    hold to retract."""
    cs = p.cs
    if not cs.scope:
        return
    for group in groups:
        if not owned(p.schema, cs, group.cls.name, group.parent_uid):
            continue
        uid = str(group.uid)
        claims = read_claims((p.summary.get(uid) or {}).get("claims"))
        claim = claims.get(cs.source)
        lapse: Lapse = "live"
        rival = claim is not None and claim.scope != cs.scope
        if rival and claim is not None and not (cs.discovery_run and claim.run == cs.discovery_run):
            lapse = _lapse(p, uid)
        decision = decide(claim, cs.scope, cs.discovery_run, lapse)
        if decision.verdict == "refuse":
            assert claim is not None
            p.refuse(group, _duplicate(p, group, cs.scope, claim.scope, decision.why))
            continue
        if decision.claim is not None:
            claims[cs.source] = decision.claim
            group.claims = claims_text(claims)
        if decision.retract is not None:
            p.retracting[uid] = decision.retract
            if decision.why:  # a rival of this run loses it: report it under that scope
                loser = _duplicate(p, group, decision.retract, cs.scope, decision.why)
                loser.withdrawn = True
                p.withdrawn[uid] = loser
                p.result.duplicates.append(loser)


def _lapse(p: _Planner, uid: str) -> Lapse:
    p.load_state([uid])
    state = p.state[uid]
    if state.get("status") != "active":
        record = p.tx.run(STATE_RUN, cs=state.get("_cs")).single()
        run = record["run"] if record else None
        return "lapsing" if run is not None and run == p.cs.discovery_run else "lapsed"
    seen = json.loads(state.get("_seen") or "{}").get(p.cs.source)
    if seen is None or p.at - datetime.fromisoformat(seen) > p.schema.precedence.staleness:
        return "lapsed"
    return "live"


def _duplicate(
    p: _Planner, group: _Group, scope: str, owner: str, why: str
) -> DuplicateIdentity:
    uid = str(group.uid)
    p.load_state([uid])
    attrs = group.attrs()
    id_set = group.cls.identification[group.matched] if group.matched is not None else ()
    return DuplicateIdentity(
        scope=scope, cls=group.cls.name, key=group.facts[0].key,
        identifiers={a: str(attrs[a]) for a in id_set}, uid=uid,
        name=p.state.get(uid, {}).get("name"), owner=owner, why=why,
    )  # fmt: skip


def retract(p: _Planner, wanted: Iterable[tuple[str, str, str]], seen: set[str]) -> None:
    """What the previous owners of devices taken over now held on them: parts this change
    set does not report go absent, links and pending links on the device and its parts
    that it does not report close (a reported one passes to this scope in cmdb.links);
    within what the change set certifies, as for its own scope. A part a rival created in
    this same run and now withdrawn never existed before it: counted with the duplicate,
    not as going absent."""
    if not p.retracting:
        return
    classes, rels = p.cs.certified_classes, p.cs.certified_links
    reported = set(wanted)
    closing = set(p.ws.link_closes)
    dropping = set(p.ws.pending_deletes)
    for uid, old in sorted(p.retracting.items()):
        withdrawn = p.withdrawn.get(uid)
        parts = list(p.tx.run(PARTS, uid=uid))
        for r in parts:
            if (r["scope"] == old and r["status"] == "active" and r["uid"] not in seen
                    and (classes is None or r["class"] in classes)):  # fmt: skip
                p.ws.updates.append(CIUpdate(r["uid"], {"status": "absent"}, ["status"]))
                p.result.changes.append(("absent", r["uid"]))
                if withdrawn is not None:
                    withdrawn.parts += 1
                if withdrawn is None or r["made_in"] is None or r["made_in"] != p.cs.discovery_run:
                    p.result.went_absent += 1
        uids = [uid, *sorted(r["uid"] for r in parts)]
        for r in p.tx.run(SCOPED_LINKS_ON, uids=uids, scope=old, source=p.cs.source):
            a, b, rel = r["a"], r["b"], p.schema.relationships.get(r["t"])
            if rel is not None and rel.symmetric and b < a:
                a, b = b, a
            if (r["t"], a, b) in reported or r["id"] in closing:
                continue
            if rels is not None and r["t"] not in rels:
                continue
            closing.add(r["id"])
            p.ws.link_closes.append(r["id"])
            p.result.links_closed += 1
            if withdrawn is not None:
                withdrawn.links += 1
        for r in p.tx.run(SCOPED_PENDING_ON, uids=uids, scope=old, source=p.cs.source):
            if r["id"] not in dropping and (rels is None or r["type"] in rels):
                dropping.add(r["id"])
                p.ws.pending_deletes.append(r["id"])
