"""SNMP credentials: small typed objects whose secrets never print.

``repr``/``str`` of a credential shows its kind only; the secret values are reachable
only through ``Secret.reveal()``, which the collector calls when it builds the pysnmp
auth object. Nothing here is ever formatted into a log line or an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AuthProtocol = Literal["SHA", "SHA224", "SHA256", "SHA384", "SHA512", "MD5"]
PrivProtocol = Literal["AES", "AES192", "AES256", "DES", "3DES"]


class Secret:
    """A string that does not show itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, slots=True, repr=False)
class SnmpV2c:
    community: Secret
    context: str = ""  # not secret; snmpsim and some agents select data by it

    def __repr__(self) -> str:
        return "SnmpV2c(community=***)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True, repr=False)
class SnmpV3:
    """USM authPriv (or authNoPriv when ``priv_key`` is None)."""

    user: Secret
    auth_key: Secret
    priv_key: Secret | None = None
    auth_protocol: AuthProtocol = "SHA"
    priv_protocol: PrivProtocol = "AES"
    context: str = ""

    def __repr__(self) -> str:
        level = "authPriv" if self.priv_key is not None else "authNoPriv"
        return f"SnmpV3({level}, {self.auth_protocol}/{self.priv_protocol}, user=***)"

    __str__ = __repr__


Credential = SnmpV2c | SnmpV3
