"""What a protocol gives discovery's run loop: one driver interface for every protocol.

A driver attempts one target with one credential (by the name the job gave it) and
returns an `Answer`, the protocol's collected, parsed and normalized change set plus
what the run report needs, or raises a `discovery.errors.TargetError` whose class says
the failure's kind and whether another credential may do better. Which credential to
try, in which order, and what silence means is the run loop's business
(discovery.run_loop), the same for every protocol.

    SNMP: discovery.snmp.driver.SnmpDriver    SSH: discovery.ssh.driver.SshDriver
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cmdb.observations import ChangeSet
from cmdb.runs import Failure
from discovery.jobs import CredentialRef
from discovery.reach import Gone


@dataclass
class Answer:
    """What one protocol got from a target that answered.

    `coverage`: what the run records as seen ({"status": "answered", "tables": ...,
    "uptime_seconds": the device's uptime when it answered, if it said});
    `failures`: what went wrong even so (a command, a parser, a value); `changeset`:
    None when nothing could be normalized."""

    coverage: dict[str, Any]
    changeset: ChangeSet | None = None
    failures: list[Failure] = field(default_factory=list)


class Driver(Protocol):
    """One protocol of a job, its credentials resolved. Called from worker threads."""

    @property
    def protocol(self) -> str:
        """The job's name for it ("snmp", "ssh"): the change set's source and scope."""
        ...

    @property
    def port(self) -> int: ...

    @property
    def credentials(self) -> Sequence[CredentialRef]:
        """In the job's order."""
        ...

    def memory_key(self, address: str) -> str:
        """How the credential memory names `address` for this protocol."""
        ...

    def attempt(self, address: str, credential: str) -> Answer:
        """Collect, parse and normalize `address` with the credential of that name.

        Raises discovery.errors.TargetError when the target gave nothing."""
        ...

    def gone(self, address: str) -> Gone | None:
        """Ask the network whether anybody is there at all (discovery.reach)."""
        ...

    def open(self) -> None:
        """Before the first attempt (sockets, collector processes)."""
        ...

    def close(self) -> None:
        """After the last attempt; also when `open` was never called."""
        ...
