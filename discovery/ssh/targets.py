"""What to connect to and with what: targets, credentials and timeouts.

`SSHCredentials` never shows its secrets: repr/str mask the password and the
key passphrase, and nothing in discovery formats a credential into a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SSHTarget:
    host: str
    platform: str  # a key of discovery.ssh.platforms.PLATFORMS
    port: int = 22

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True, repr=False)
class SSHCredentials:
    """A username with a password and/or a private key file.

    `ref` is the name the job file gave this credential, so a run can record
    which credential worked without recording the credential.
    """

    username: str
    password: str | None = None
    key_file: Path | None = None
    passphrase: str | None = None
    ref: str = ""

    def __post_init__(self) -> None:
        if self.password is None and self.key_file is None:
            raise ValueError(f"credential {self.ref or self.username!r}: no password or key_file")

    def __repr__(self) -> str:
        secret = "***" if self.password is not None else None
        key = str(self.key_file) if self.key_file is not None else None
        return (
            f"SSHCredentials(ref={self.ref!r}, username={self.username!r}, "
            f"password={secret!r}, key_file={key!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class SSHTimeouts:
    """Seconds. netmiko's fixed waits dominate a session, so keep these explicit."""

    conn: float = 10.0  # TCP connect
    banner: float = 10.0  # SSH banner after TCP
    auth: float = 10.0  # authentication answer
    read: float = 30.0  # per command, until the prompt returns
