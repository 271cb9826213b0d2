"""The base of every failure a discovery run records, shared by all protocols.

Each protocol's exception classes (discovery.snmp.errors, discovery.ssh.errors) say
what they are as class attributes, defined once there: `kind`, the name the run report
counts it under; and, for a failed attempt at a target (`TargetError`), what the run
loop (discovery.run_loop) does next: try the next credential or stop, and whether the
target answered at all (then the network need not be asked whether anybody is there).
"""

from __future__ import annotations

from typing import ClassVar

from cmdb.errors import CMDBError


class DiscoveryFailure(CMDBError):
    """A failure a run records as data (cmdb.runs.Failure) under `kind`."""

    kind: ClassVar[str]


class TargetError(DiscoveryFailure):
    """One attempt at one target with one credential got nothing. ``target`` is
    ``host:port``; the message names it, never the credential."""

    # Another credential may get an answer: this one was refused, or met silence (a
    # wrong SNMPv2c community is never answered). False: no credential will do better.
    next_credential: ClassVar[bool] = False
    # The target answered: somebody is there, whatever the network says.
    someone_there: ClassVar[bool] = False

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: {reason}")

    @property
    def credential_refused(self) -> bool:
        """Somebody is there and another credential may do: this one was refused."""
        return self.someone_there and self.next_credential
