"""What a site's collector sends the centre: one message per target and protocol of a
run, and one end-of-run marker.

    step       a target's answer on one protocol: its coverage, failures and
               either the change set (`snapshot`, when its content changed since the
               collector last sent it) or only the content's hash (`unchanged`)
    end        the run's record (targets, coverage, failures; cmdb.runs.DiscoveryRun),
               the targets that said nobody is there on every protocol (`gone`: only an
               end marker certifies absence), and how many step messages came before it

Bodies are zlib-compressed JSON (a large switch's change set is hundreds of KB of JSON
and compresses ~10x): a step is one line of JSON for the step, a newline, and the change
set's own JSON (pydantic's `model_dump_json`, read back by `model_validate_json` in one
pass, never through Python dicts). A decoded step keeps the bytes it came in (`wire`): the
centre keeps those as the scope's snapshot rather than writing the change set again.
Each message has a `Nats-Msg-Id` (site, run, target, protocol) so the broker drops a
duplicate publish within its window; the centre's ledger drops a redelivered or replayed
one after that. No message carries a credential: change sets,
coverage and failures are built from what devices said, never from secrets, and the
collector's credential labels stay at the site (a test reads the streams).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from cmdb.errors import CMDBError
from cmdb.observations import ChangeSet
from cmdb.runs import DiscoveryRun, Failure

StepKind = Literal["snapshot", "unchanged"]
_NOT_CONTENT = {"observed_at", "discovery_run", "reason"}  # when and in which run it was seen


class MessageError(CMDBError):
    """A message the centre cannot read (names the message id and what is wrong)."""


def content_hash(changeset: ChangeSet) -> str:
    """The hash of what a change set says, leaving out when and in which run: the same
    facts observed again, reported in the same order (a device's own order, as discovery
    keeps it), hash the same. Hashed from pydantic's JSON, in its field order (4x faster
    than sorting keys in Python); facts that came in another order only cost a whole
    send, never a wrong sighting."""
    text = changeset.model_dump_json(by_alias=True, exclude=_NOT_CONTENT)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class StepMessage:
    site: str
    job: str
    run_id: str
    target: str
    protocol: str
    kind: StepKind
    observed_at: datetime
    answered: bool
    coverage: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    content: str | None = None  # content_hash of the change set (snapshot, unchanged)
    changeset: ChangeSet | None = None  # snapshot only
    scope: str | None = None
    wire: bytes | None = field(default=None, compare=False, repr=False)  # as received

    @property
    def msg_id(self) -> str:
        return f"{self.site}.{self.run_id}.{self.target}.{self.protocol}"

    def encode(self) -> bytes:
        head: dict[str, Any] = {
            "type": "step", "site": self.site, "job": self.job, "run_id": self.run_id,
            "target": self.target, "protocol": self.protocol, "kind": self.kind,
            "observed_at": self.observed_at.isoformat(), "answered": self.answered,
            "coverage": self.coverage, "failures": [f.as_dict() for f in self.failures],
            "content": self.content, "scope": self.scope,
        }  # fmt: skip
        text = _json(head)
        if self.changeset is not None:
            text += b"\n" + self.changeset.model_dump_json(by_alias=True).encode()
        return zlib.compress(text, 6)


@dataclass(frozen=True)
class EndMessage:
    site: str
    run: DiscoveryRun
    steps: int  # step messages of the run published before this one
    # target -> what the network said ("refused", "unreachable") on every protocol
    gone: dict[str, str] = field(default_factory=dict)
    protocols: list[str] = field(default_factory=list)  # the job's, in its order

    @property
    def msg_id(self) -> str:
        return f"{self.site}.{self.run.id}.end"

    def encode(self) -> bytes:
        run = self.run
        body = {
            "type": "end", "site": self.site, "steps": self.steps, "gone": self.gone,
            "protocols": self.protocols,
            "run": {
                "id": run.id, "job": run.job, "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat(), "targets": run.targets,
                "answered": run.answered, "failed": run.failed, "coverage": run.coverage,
                "failures": [f.as_dict() for f in run.failures], "status": run.status,
                "reached": run.reached,
            },
        }  # fmt: skip
        return _pack(body)


Message = StepMessage | EndMessage


def _json(body: dict[str, Any]) -> bytes:
    """One line of JSON (json.dumps escapes newlines inside strings)."""
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def _pack(body: dict[str, Any]) -> bytes:
    return zlib.compress(_json(body), 6)


def decode(data: bytes, msg_id: str = "?") -> Message:
    """A message from its bytes; a `MessageError` naming `msg_id` if it is not one."""
    try:
        head, _newline, changeset = zlib.decompress(data).partition(b"\n")
        body = json.loads(head)
        if body["type"] == "step":
            return _step(body, changeset or None, data)
        if body["type"] == "end":
            return _end(body)
        raise ValueError(f"unknown message type {body['type']!r}")
    except KeyError as exc:
        raise MessageError(f"message {msg_id}: not a collector message (no field {exc})") from None
    except ValidationError as exc:  # the change set's part
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "its top level"
        raise MessageError(f"message {msg_id}: its change set does not validate "
                           f"({exc.error_count()} error(s); first at {where}: {first['msg']})"
                           ) from None  # fmt: skip
    except (zlib.error, ValueError, TypeError) as exc:
        raise MessageError(f"message {msg_id}: not a collector message ({exc})") from None


def _failures(rows: list[dict[str, Any]]) -> list[Failure]:
    return [Failure(r["target"], r["protocol"], r["kind"], r["message"], r.get("command"))
            for r in rows]  # fmt: skip


def _step(body: dict[str, Any], raw: bytes | None, wire: bytes) -> StepMessage:
    kind = body["kind"]
    if kind not in ("snapshot", "unchanged") or (kind == "snapshot") != (raw is not None):
        raise ValueError(f"a {kind!r} step {'without' if raw is None else 'with'} a change set")
    changeset = ChangeSet.model_validate_json(raw) if raw is not None else None
    return StepMessage(
        site=body["site"], job=body["job"], run_id=body["run_id"], target=body["target"],
        protocol=body["protocol"], kind=kind,
        observed_at=datetime.fromisoformat(body["observed_at"]), answered=bool(body["answered"]),
        coverage=body["coverage"], failures=_failures(body["failures"]),
        content=body.get("content"), changeset=changeset, scope=body.get("scope"), wire=wire,
    )  # fmt: skip


def _end(body: dict[str, Any]) -> EndMessage:
    r = body["run"]
    run = DiscoveryRun(
        id=r["id"], job=r["job"], started_at=datetime.fromisoformat(r["started_at"]),
        finished_at=datetime.fromisoformat(r["finished_at"]), targets=int(r["targets"]),
        answered=int(r["answered"]), failed=int(r["failed"]), coverage=r["coverage"],
        failures=_failures(r["failures"]), status=r["status"], reached=r.get("reached"),
    )  # fmt: skip
    return EndMessage(site=body["site"], run=run, steps=int(body["steps"]),
                      gone=dict(body["gone"]), protocols=list(body.get("protocols", [])))
