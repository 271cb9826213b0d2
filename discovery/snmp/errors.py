"""The exception tree of SNMP discovery, drawn in one place.

Messages name the target (address and port) and what failed. They never carry a
community string, a user name's keys or any other secret: none is ever passed in.
"""

from __future__ import annotations

from cmdb.errors import CMDBError


class SnmpError(CMDBError):
    """Base of every error SNMP discovery raises on purpose."""


class TargetError(SnmpError):
    """Talking to one target failed. ``target`` is ``host:port``."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: {reason}")


class SnmpTimeout(TargetError):
    """The target did not answer within timeout x retries."""


class AuthFailed(TargetError):
    """USM rejected us (unknown user, wrong keys, unsupported security level)
    or, for v2c, the agent reported an authorization error."""


class AgentError(TargetError):
    """The agent answered with an SNMP error status (genErr, tooBig, ...)."""


class TransportError(TargetError):
    """The target address could not be resolved or the socket failed."""


class NormalizeError(SnmpError):
    """A parsed snapshot cannot become a change set (no usable identifier, no known
    kind of device). ``target`` is what the collector walked."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: {reason}")
