"""The exception tree of SSH discovery, drawn in one place.

Every error names the target (host:port) and, where there is one, the command.
None ever carries a credential: messages are built here from plain fields, never
from a library's exception text, and library exceptions are not chained.
"""

from __future__ import annotations

from cmdb.errors import CMDBError


class SSHDiscoveryError(CMDBError):
    """Base of every error SSH discovery raises on purpose."""


class UnknownPlatformError(SSHDiscoveryError):
    """A platform name that no module in `discovery.ssh.platforms` handles."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        super().__init__(f"unknown SSH platform {platform!r}")


class TargetError(SSHDiscoveryError):
    """Something went wrong with one target (a device or host)."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: {reason}")


class ConnectTimeout(TargetError):
    """The target did not answer (TCP or SSH handshake) within the connect timeout."""


class ConnectFailed(TargetError):
    """The SSH session could not be set up for a reason other than timeout or auth."""


class AuthFailed(TargetError):
    """The target refused the credential. The credential itself is never named."""


class CommandFailed(TargetError):
    """A command timed out or the device rejected it."""

    def __init__(self, target: str, command: str, reason: str) -> None:
        self.command = command
        super().__init__(target, f"command {command!r}: {reason}")


class ParseError(SSHDiscoveryError):
    """Output of a command could not be turned into typed rows.

    Raised by pure parsers, so it names the platform and command; the collector
    adds the target when it records the failure.
    """

    def __init__(self, platform: str, command: str, reason: str) -> None:
        self.platform = platform
        self.command = command
        self.reason = reason
        super().__init__(f"{platform} {command!r}: {reason}")


class NormalizeError(TargetError):
    """Parsed output that cannot become a change set: nothing in it identifies the target."""
