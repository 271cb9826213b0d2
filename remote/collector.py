"""A site's collector: run the site's discovery jobs, publish what they saw.

    job (its `site` is ours) -> discovery.run.sweep, the same run loop as `cmdb discover`
        each step with a change set -> a step message to the site's stream:
            the change set, when its content differs from the last one sent for that
            scope (or that was sent more than `resend_after` ago); else only its hash
        the run's record, the targets gone on every protocol -> the end marker

Credentials are resolved here, from the site's own secrets file, and stay here: a message
holds what devices said (change sets, coverage, failures), never a secret or its label.
What was last sent per scope (hash, when) is kept in the collector's state directory,
written when a run has published its end marker, so a run cut short sends it all again.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from cmdb.errors import CMDBError
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import Job, expand_targets
from discovery.run import make_driver, summarize, sweep
from discovery.run_loop import Step
from discovery.run_report import RunObserver
from discovery.run_stop import StopRequest
from remote.messages import EndMessage, StepMessage, content_hash
from remote.topology import site_subject


class Publisher(Protocol):
    def publish(self, subject: str, data: bytes, msg_id: str) -> None: ...


class SentLedger:
    """Per job and scope, the content hash last published and when (a JSON file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        try:
            self.sent: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.sent = {}
        except (OSError, ValueError) as exc:
            raise CMDBError(f"{path}: the collector's record of what it sent is unreadable "
                            f"({exc}); delete it to send every device in full once") from None

    def unchanged(self, key: str, content: str, now: datetime, resend_after: timedelta) -> bool:
        with self.lock:
            last = self.sent.get(key)
        return (last is not None and last[0] == content
                and now - datetime.fromisoformat(last[1]) < resend_after)  # fmt: skip

    def forget_job(self, job: str) -> None:
        """Forget what was sent for `job`: its next run sends every scope whole."""
        with self.lock:
            self.sent = {key: last for key, last in self.sent.items()
                         if not key.startswith(f"{job}|")}  # fmt: skip

    def record(self, key: str, content: str, now: datetime) -> None:
        with self.lock:
            self.sent[key] = [content, now.isoformat()]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.sent, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


@dataclass
class SiteRun:
    """What one job's run at a site published."""

    job: str
    run_id: str
    targets: int
    answered: int
    snapshots: int = 0
    unchanged: int = 0
    gone: dict[str, str] = field(default_factory=dict)
    status: str = "completed"


def run_site_job(
    job: Job, site: str, publisher: Publisher, resolver: CredentialResolver,
    memory: CredentialMemory, sent: SentLedger, *, resend_after: timedelta = timedelta(days=1),
    stop: StopRequest | None = None, observer: RunObserver | None = None,
) -> SiteRun:  # fmt: skip
    """Run `job` once at `site`, publishing each step and then the end marker."""
    if job.site != site:
        raise CMDBError(f"job {job.name!r} belongs to site {job.site!r}, not to {site!r}")
    stop = stop or StopRequest()
    run_id = uuid.uuid4().hex
    started_at = datetime.now(UTC)
    drivers = [make_driver(spec, job, resolver, memory, run_id) for spec in job.protocols]
    addresses = expand_targets(job)
    lock = threading.Lock()
    result = SiteRun(job.name, run_id, len(addresses), 0)

    def on_step(step: Step) -> None:
        assert step.changeset is not None
        if step.gone is not None:  # an absence: only the end marker certifies it
            with lock:
                result.gone[step.target] = step.gone
            return
        message = _step_message(step, site, job.name, run_id, sent, resend_after)
        publisher.publish(site_subject(site, "step", run_id), message.encode(), message.msg_id)
        with lock:
            if message.kind == "snapshot":
                result.snapshots += 1
            else:
                result.unchanged += 1

    per_target = sweep(job, addresses, drivers, memory, stop, run_id, on_step, observer)
    run, _answered_by = summarize(job, run_id, started_at, addresses, per_target,
                                  stop.requested)  # fmt: skip
    result.answered, result.status = run.answered, run.status
    end = EndMessage(site, run, result.snapshots + result.unchanged, dict(result.gone),
                     [p.protocol for p in job.protocols])  # fmt: skip
    publisher.publish(site_subject(site, "end", run_id), end.encode(), end.msg_id)
    sent.save()
    memory.save()
    return result


def _step_message(step: Step, site: str, job: str, run_id: str, sent: SentLedger,
                  resend_after: timedelta) -> StepMessage:  # fmt: skip
    changeset = step.changeset
    assert changeset is not None
    content = content_hash(changeset)
    key = f"{job}|{changeset.scope or step.target + ':' + step.protocol}"
    now = changeset.observed_at
    same = sent.unchanged(key, content, now, resend_after)
    if not same:
        sent.record(key, content, now)
    return StepMessage(
        site=site, job=job, run_id=run_id, target=step.target, protocol=step.protocol,
        kind="unchanged" if same else "snapshot", observed_at=now, answered=step.answered,
        coverage=step.coverage, failures=list(step.failures), content=content,
        changeset=None if same else changeset, scope=changeset.scope,
    )  # fmt: skip
