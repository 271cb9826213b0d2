"""The exception tree of SNMP discovery, drawn in one place, each failure's kind on its
class (discovery.errors).

Messages name the target (address and port) and what failed. They never carry a
community string, a user name's keys or any other secret: none is ever passed in.
"""

from __future__ import annotations

from discovery import errors
from discovery.errors import DiscoveryFailure


class SnmpError(DiscoveryFailure):
    """Base of every error SNMP discovery raises on purpose."""


class TargetError(SnmpError, errors.TargetError):
    """Talking to one target failed. ``target`` is ``host:port``."""


class SnmpTimeout(TargetError):
    """The target did not answer within timeout x retries (a wrong v2c community is
    never answered either: the next credential is tried)."""

    kind = "timeout"
    next_credential = True


class AuthFailed(TargetError):
    """USM rejected us (unknown user, wrong keys, unsupported security level)
    or, for v2c, the agent reported an authorization error."""

    kind = "auth_failed"
    next_credential = True
    someone_there = True


class AgentError(TargetError):
    """The agent answered with an SNMP error status (genErr, tooBig, ...)."""

    kind = "agent_error"
    next_credential = True


class TransportError(TargetError):
    """The target address could not be resolved or the socket failed: no credential
    will do better."""

    kind = "unreachable"


class AnswerError(SnmpError):
    """What an agent answered cannot be used in full. ``target`` is what was walked."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: {reason}")


class ParseError(AnswerError):
    """What an agent answered cannot be read as a device snapshot."""

    kind = "parse_error"


class BadValue(AnswerError):
    """A value of the wrong type, read as unknown; the rest of the snapshot goes on."""

    kind = "bad_value"


class NormalizeError(AnswerError):
    """A parsed snapshot cannot become a change set (no usable identifier, no known
    kind of device)."""

    kind = "normalize_error"
