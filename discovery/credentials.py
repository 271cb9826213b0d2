"""Credentials for a discovery run: resolved from references at run time, never shown.

A job names credentials (see `discovery.jobs.CredentialRef`); this module turns a
reference into the typed credential a collector takes, from one of two sources:

- `env`: a mapping of credential fields to environment variable names;
- `secret`: an entry of a secrets file (YAML, readable by its owner only: mode 0600),
  a mapping of entry name to fields, e.g. `core-v2c: {community: ...}`. The device lab
  publishes its credentials as one such file (`.cmdb/lab/secrets.yaml`).

Secrets never appear in an error, a repr or a log line: errors name the reference,
the file and the field only. `CredentialMemory` remembers which credential (by NAME)
answered on which target, in a small JSON file outside the graph, so the next run
tries it first; it also remembers detected SSH platforms.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from cmdb.errors import CMDBError
from cmdb.yamlfile import InputLimitError, YAMLFileError, load_json, load_yaml
from discovery.jobs import CredentialRef
from discovery.snmp.credentials import AuthProtocol, PrivProtocol, Secret, SnmpV2c, SnmpV3
from discovery.ssh.targets import SSHCredentials

SnmpCredential = SnmpV2c | SnmpV3
DEFAULT_MEMORY_FILE = Path(".cmdb") / "credential-memory.json"
SECRET_FIELDS = frozenset({"community", "user", "auth_key", "priv_key", "password", "passphrase"})
PLAIN_FIELDS = frozenset({"username", "auth_protocol", "priv_protocol", "context", "key_file"})
FIELDS = SECRET_FIELDS | PLAIN_FIELDS


class CredentialError(CMDBError):
    """A credential reference cannot be resolved, or a secrets/memory file is unsafe.

    The message names the reference, file and field, never a value.
    """


# -- sources ------------------------------------------------------------------------------


def check_private(path: Path) -> None:
    """Refuse a secrets file that anyone but its owner may read or write."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise CredentialError(f"{path}: cannot read: {exc.strerror}") from None
    if mode & 0o077:
        raise CredentialError(
            f"{path}: mode {mode:04o} lets others read it; secrets files must be 0600 "
            f"(chmod 600 {path})"
        )


def load_secrets(path: Path) -> dict[str, dict[str, str]]:
    """A secrets file: entry name -> {field: value}. Mode must be 0600."""
    check_private(path)
    try:
        raw = load_yaml(path)
    except InputLimitError as exc:  # its reason quotes nothing of the file
        raise CredentialError(str(exc)) from None
    except YAMLFileError as exc:
        # The reason may quote the file (and so a secret): keep only the line.
        line = f":{exc.line}" if exc.line else ""
        raise CredentialError(f"{path}{line}: cannot read as YAML") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CredentialError(f"{path}: a secrets file maps entry names to fields")
    return {str(name): _fields(f"{path}: entry {name!r}", entry) for name, entry in raw.items()}


def _fields(where: str, entry: Any) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise CredentialError(f"{where}: expected a mapping of fields")
    out: dict[str, str] = {}
    for key, value in entry.items():
        if key not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise CredentialError(f"{where}: unknown field {key!r}; known: {known}")
        if not isinstance(value, str) or not value:
            raise CredentialError(f"{where}: field {key!r} must be a non-empty string")
        out[str(key)] = value
    return out


class CredentialResolver:
    """Turns references into credentials. Files are read once, on first use."""

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        secrets_file: Path | None = None,
    ) -> None:
        self._env = dict(os.environ) if env is None else dict(env)
        self._secrets_file = secrets_file
        self._secrets: dict[str, dict[str, str]] | None = None

    def __repr__(self) -> str:
        return f"CredentialResolver(secrets_file={self._secrets_file})"

    def fields(self, ref: CredentialRef) -> dict[str, str]:
        """The credential's fields from its source, plus the plain fields the ref gives."""
        name = ref.label
        if ref.env is not None:
            found: dict[str, str] = {}
            for key, var in ref.env.items():
                if key not in FIELDS:
                    raise CredentialError(f"credential {name!r}: unknown field {key!r}")
                value = self._env.get(var)
                if not value:
                    raise CredentialError(
                        f"credential {name!r}: environment variable {var} is not set"
                    )
                found[key] = value
        else:
            assert ref.secret is not None
            if self._secrets is None:
                if self._secrets_file is None:
                    raise CredentialError(
                        f"credential {name!r} is in a secrets file, and none was given "
                        "(--secrets FILE)"
                    )
                self._secrets = load_secrets(self._secrets_file)
            found = self._lookup(self._secrets, ref.secret, name, str(self._secrets_file))
        extras = {"auth_protocol": ref.auth_protocol, "priv_protocol": ref.priv_protocol,
                  "context": ref.context, "key_file": ref.key_file}  # fmt: skip
        return {**found, **{k: v for k, v in extras.items() if v is not None}}

    @staticmethod
    def _lookup(
        entries: Mapping[str, dict[str, str]], key: str, name: str, where: str
    ) -> dict[str, str]:
        if key not in entries:
            known = ", ".join(sorted(entries)) or "none"
            raise CredentialError(f"credential {name!r}: no entry {key!r} in {where} ({known})")
        return dict(entries[key])

    def snmp(self, ref: CredentialRef) -> SnmpCredential:
        f = self.fields(ref)
        name = ref.label
        _only(f, {"community", "user", "auth_key", "priv_key", "auth_protocol",
                  "priv_protocol", "context"}, name, "SNMP")  # fmt: skip
        context = f.get("context", "")
        if "community" in f:
            return SnmpV2c(Secret(f["community"]), context=context)
        if "user" in f and "auth_key" in f:
            priv = f.get("priv_key")
            return SnmpV3(
                user=Secret(f["user"]),
                auth_key=Secret(f["auth_key"]),
                priv_key=Secret(priv) if priv is not None else None,
                auth_protocol=_choice(f.get("auth_protocol", "SHA"), AuthProtocol, name),
                priv_protocol=_choice(f.get("priv_protocol", "AES"), PrivProtocol, name),
                context=context,
            )
        raise CredentialError(f"credential {name!r}: SNMP needs community, or user and auth_key")

    def ssh(self, ref: CredentialRef) -> SSHCredentials:
        f = self.fields(ref)
        name = ref.label
        _only(f, {"username", "password", "key_file", "passphrase"}, name, "SSH")
        if "username" not in f or not ({"password", "key_file"} & set(f)):
            raise CredentialError(
                f"credential {name!r}: SSH needs username, and password or key_file"
            )
        return SSHCredentials(
            username=f["username"],
            password=f.get("password"),
            key_file=Path(f["key_file"]) if "key_file" in f else None,
            passphrase=f.get("passphrase"),
            ref=name,
        )


def _only(found: Mapping[str, str], allowed: set[str], name: str, protocol: str) -> None:
    extra = sorted(set(found) - allowed)
    if extra:
        raise CredentialError(f"credential {name!r}: {', '.join(extra)} not used by {protocol}")


def _choice(value: str, literal: Any, name: str) -> Any:
    options = get_args(literal)
    if value not in options:
        raise CredentialError(f"credential {name!r}: protocol must be one of {', '.join(options)}")
    return value


# -- which credential worked ------------------------------------------------------------


class CredentialMemory:
    """Which credential NAME answered on which target (and each target's SSH platform).

    A JSON file outside the graph, written 0600. It never holds a secret: only the names
    a job gave its credential references.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._credentials: dict[str, dict[str, str]] = {}
        self._platforms: dict[str, str] = {}
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            body = load_json(path)
            credentials = body.get("credentials", {})
            platforms = body.get("platforms", {})
            ok = isinstance(credentials, dict) and isinstance(platforms, dict)
        except (YAMLFileError, AttributeError):
            ok = False
        if not ok:
            raise CredentialError(f"{path}: not a credential memory file; move it aside")
        self._credentials = {str(p): {str(t): str(n) for t, n in v.items()}
                             for p, v in credentials.items()}  # fmt: skip
        self._platforms = {str(t): str(p) for t, p in platforms.items()}

    def credential(self, protocol: str, target: str) -> str | None:
        with self._lock:
            return self._credentials.get(protocol, {}).get(target)

    def platform(self, target: str) -> str | None:
        with self._lock:
            return self._platforms.get(target)

    def remember(self, protocol: str, target: str, name: str) -> None:
        with self._lock:
            self._credentials.setdefault(protocol, {})[target] = name

    def remember_platform(self, target: str, platform: str) -> None:
        with self._lock:
            self._platforms[target] = platform

    def ordered(
        self, refs: Sequence[CredentialRef], protocol: str, target: str
    ) -> list[CredentialRef]:
        """`refs` with the one that worked last time on `target` first."""
        known = self.credential(protocol, target)
        return sorted(refs, key=lambda ref: ref.label != known)  # stable: the rest keep order

    def save(self) -> None:
        if self.path is None:
            return
        with self._lock:
            body = {"version": 1, "credentials": self._credentials, "platforms": self._platforms}
            text = json.dumps(body, indent=1, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        tmp.chmod(0o600)
        tmp.replace(self.path)
