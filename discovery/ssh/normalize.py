"""One SSH target's parsed records -> a ChangeSet: `ssh_facts` then the one
`normalize_device` (see discovery/normalize.py for what the change set holds). Pure.

    cs = normalize_ssh(parse_collected(result), target=str(result.target),
                       observed_at=now, run_id=run.id,
                       failed_commands=result.command_failures)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from discovery.normalize import UnidentifiedDevice, normalize_device
from discovery.ssh.errors import NormalizeError
from discovery.ssh.facts import ssh_facts
from discovery.ssh.platforms.base import ParsedTarget

__all__ = ["normalize_ssh"]


def normalize_ssh(
    parsed: ParsedTarget,
    *,
    target: str,
    observed_at: datetime,
    run_id: str | None = None,
    failed_commands: Iterable[str] = (),
    schema: Schema | None = None,
) -> ChangeSet:
    """The change set for one target.

    `failed_commands` are the keys of commands that gave no output
    (`CollectResult.command_failures`); commands whose output did not parse are read
    from `parsed.failures`. Either narrows what the change set certifies.
    Raises NormalizeError for a platform without a mapping, or when nothing identifies
    the device.
    """
    facts = ssh_facts(parsed, target=target, failed_commands=failed_commands)
    try:
        return normalize_device(facts, target=target, observed_at=observed_at,
                                run_id=run_id, schema=schema)  # fmt: skip
    except UnidentifiedDevice as exc:
        raise NormalizeError(target, str(exc)) from None
