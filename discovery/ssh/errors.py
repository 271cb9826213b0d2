"""The exception tree of SSH discovery, drawn in one place, each failure's kind on its
class (discovery.errors).

Every error names the target (host:port) and, where there is one, the command.
None ever carries a credential: messages are built here from plain fields, never
from a library's exception text, and library exceptions are not chained.
"""

from __future__ import annotations

from cmdb.errors import CMDBError
from discovery import errors
from discovery.errors import DiscoveryFailure


class SSHDiscoveryError(CMDBError):
    """Base of every error SSH discovery raises on purpose."""


class UnknownPlatformError(SSHDiscoveryError):
    """A platform name that no module in `discovery.ssh.platforms` handles."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        super().__init__(f"unknown SSH platform {platform!r}")


class TargetError(SSHDiscoveryError, errors.TargetError):
    """Something went wrong with one target (a device or host)."""


class ConnectTimeout(TargetError):
    """The target did not answer (TCP or SSH handshake) within the connect timeout."""

    kind = "timeout"


class ConnectFailed(TargetError):
    """The SSH session could not be set up for a reason other than timeout or auth."""

    kind = "connect_failed"


class AuthFailed(TargetError):
    """The target refused the credential. The credential itself is never named."""

    kind = "auth_failed"
    next_credential = True
    someone_there = True


class NoPlatform(TargetError):
    """Logged in, but the target is no platform we can parse."""

    kind = "unknown_platform"
    someone_there = True


class CommandFailed(TargetError):
    """A command timed out or the device rejected it."""

    kind = "command_failed"

    def __init__(self, target: str, command: str, reason: str) -> None:
        self.command = command
        super().__init__(target, f"command {command!r}: {reason}")


class ParseError(SSHDiscoveryError, DiscoveryFailure):
    """Output of a command could not be turned into typed rows.

    Raised by pure parsers, so it names the platform and command; the collector
    adds the target when it records the failure.
    """

    kind = "parse_error"

    def __init__(self, platform: str, command: str, reason: str) -> None:
        self.platform = platform
        self.command = command
        self.reason = reason
        super().__init__(f"{platform} {command!r}: {reason}")


class NormalizeError(TargetError):
    """Parsed output that cannot become a change set: nothing in it identifies the target."""

    kind = "normalize_error"
