"""Lab configuration: the YAML credentials file (validated) and the options of one run.

The file is read within bounds (lab/yamlread.py); an invalid one is one LabConfigError.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from lab.errors import LabConfigError
from lab.yamlread import line_of, parse_yaml, read_text

DEFAULT_STATE_DIR = Path(".cmdb") / "lab"


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Community(_Strict):
    name: str = Field(min_length=1)
    community: str = Field(min_length=1)


class V3User(_Strict):
    name: str = Field(min_length=1)
    user: str = Field(min_length=1)
    auth_protocol: Literal["SHA"]
    auth_key: str = Field(min_length=8)
    priv_protocol: Literal["AES"]
    priv_key: str = Field(min_length=8)


class SshUser(_Strict):
    name: str = Field(min_length=1)
    username: str = Field(min_length=1, pattern=r"^[a-z_][a-z0-9_-]*$")
    password: str = Field(min_length=8)
    public_key: bool = False


class SnmpSection(_Strict):
    block: str
    port: int = Field(ge=1, le=65535)
    communities: list[Community] = Field(min_length=1)
    v3_users: list[V3User] = Field(default_factory=list)

    @field_validator("block")
    @classmethod
    def _loopback(cls, value: str) -> str:
        return _check_block(value, loopback=True)


class SshSection(_Strict):
    block: str
    port: int = Field(ge=1, le=65535)
    users: list[SshUser] = Field(min_length=1)

    @field_validator("block")
    @classmethod
    def _loopback(cls, value: str) -> str:
        return _check_block(value, loopback=True)


class NetnsSection(_Strict):
    block: str
    hosts: list[str] = Field(default_factory=list)
    user: SshUser

    @field_validator("block")
    @classmethod
    def _lab_block(cls, value: str) -> str:
        return _check_block(value, loopback=False)

    @field_validator("hosts")
    @classmethod
    def _hostnames(cls, value: list[str]) -> list[str]:
        for name in value:
            if not name.replace("-", "").isalnum() or len(name) > 40:
                raise ValueError(f"invalid lab hostname {name!r}")
        return value


class LabConfig(_Strict):
    prefix: str = Field(min_length=3, max_length=8, pattern=r"^[a-z][a-z0-9]*$")
    snmp: SnmpSection
    ssh: SshSection
    netns: NetnsSection


def _check_block(value: str, *, loopback: bool) -> str:
    net = ipaddress.ip_network(value, strict=True)
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"{value}: the lab uses IPv4 blocks")
    if loopback and not net.subnet_of(ipaddress.IPv4Network("127.0.0.0/8")):
        raise ValueError(f"{value}: simulated devices must live inside 127.0.0.0/8")
    if not loopback and not net.subnet_of(ipaddress.IPv4Network("198.18.0.0/15")):
        raise ValueError(f"{value}: namespace hosts must live inside 198.18.0.0/15 (RFC 2544)")
    return value


def load_config(path: Path | None = None) -> LabConfig:
    """Read and validate a lab YAML file; the embedded `lab/lab.yaml` when `path` is None.

    Any problem is one LabConfigError naming file, line, field and reason:
    `lab.yaml:5: prefix: String should have at least 3 characters`.
    """
    if path is None:
        text = resources.files("lab").joinpath("lab.yaml").read_text(encoding="utf-8")
        where = "lab/lab.yaml (embedded)"
    else:
        text, where = read_text(path), str(path)
    raw, root = parse_yaml(text, where)
    if not isinstance(raw, dict):
        raise LabConfigError(f"{where}:1: a lab configuration maps prefix, snmp, ssh and netns")
    try:
        return LabConfig.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        line = line_of(root, error["loc"])
        raise LabConfigError(f"{where}:{line}: {_describe(error)}") from None


def isolated_config(prefix: str, snmp_block: str, ssh_block: str,
                    netns_block: str = "198.19.255.0/24", hosts: Sequence[str] = ()) -> LabConfig:
    """The embedded config on a prefix and address blocks of its own, so that it runs
    beside a lab a user (or another test, or a benchmark) runs. Validated as a file is:
    the blocks must still be loopback (devices) and RFC 2544 (namespace hosts)."""
    raw = load_config().model_dump()
    raw["prefix"] = prefix
    raw["snmp"]["block"], raw["ssh"]["block"] = snmp_block, ssh_block
    raw["netns"].update(block=netns_block, hosts=list(hosts))
    try:
        return LabConfig.model_validate(raw)
    except ValidationError as exc:
        raise LabConfigError(f"lab configuration for {prefix!r}: {_safe(exc)}") from None


def _safe(exc: ValidationError) -> str:
    return "; ".join(_describe(error) for error in exc.errors(include_input=False))


def _describe(error: ErrorDetails) -> str:
    """`field: reason` of a pydantic error; never the input (it may be a secret)."""
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    cause = error.get("ctx", {}).get("error")
    reason = str(cause) if isinstance(cause, ValueError) else error["msg"]
    return f"{field}: {reason}" if field else reason


@dataclass(frozen=True)
class LabOptions:
    """What one `lab up` should start."""

    state_dir: Path = DEFAULT_STATE_DIR
    data_dirs: tuple[Path, ...] = ()  # empty: the default recording sources
    scale: int = 0  # 0: serve each recording once; N: N cloned devices in a topology
    linux: bool = True  # namespace hosts with real sshd + snmpd
    ssh: bool = True
    config: LabConfig = field(default_factory=load_config)
    cache_dir: Path | None = None  # prepared recordings; default ~/.cache/cmdb-lab
