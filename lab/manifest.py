"""The manifest: every lab device with its address, ports, protocols, credential
references (names, never secrets), platform and the facts its recording implies.
It is the ground truth tests and the demo compare discovery with."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_FILE = "manifest.json"
CREDENTIALS_FILE = "credentials.json"  # the lab's own processes read it
SECRETS_FILE = "secrets.yaml"  # every lab credential by name, for `--secrets FILE`


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabDevice(_Model):
    name: str
    kind: str  # snmp-sim | ssh-sim | linux-host
    address: str
    ports: dict[str, int]  # protocol -> port
    protocols: list[str]
    credentials: list[str]  # credential NAMES from the lab config
    platform: str
    role: str = ""
    recording: str = ""
    facts: dict[str, Any] = Field(default_factory=dict)


class Manifest(_Model):
    version: int = 1
    prefix: str
    state_dir: str
    credentials_file: str  # secrets live here (mode 0600), referenced by name
    scale: int
    devices: list[LabDevice]
    processes: dict[str, int]  # name -> PID
    namespaces: list[str]
    startup_seconds: float

    @property
    def secrets_file(self) -> str:
        """The lab's credentials as an ordinary secrets file (mode 0600), by name."""
        return str(Path(self.state_dir) / SECRETS_FILE)

    def device(self, name: str) -> LabDevice:
        for device in self.devices:
            if device.name == name:
                return device
        raise KeyError(name)

    def of_kind(self, kind: str) -> list[LabDevice]:
        return [d for d in self.devices if d.kind == kind]


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (created 0600, never world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    path.chmod(0o600)


def save(manifest: Manifest, state_dir: Path) -> Path:
    path = state_dir / MANIFEST_FILE
    tmp = path.with_suffix(".tmp")
    write_private(tmp, json.dumps(manifest.model_dump(), indent=1))
    tmp.replace(path)
    return path


def load(state_dir: Path) -> Manifest | None:
    path = state_dir / MANIFEST_FILE
    if not path.exists():
        return None
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
