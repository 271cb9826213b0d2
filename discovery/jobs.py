"""Discovery job files: what to sweep, with which protocols and credential references.

A job is YAML, checked strictly (unknown fields are errors) and every error names the
file, the line and the field:

    name: lab
    targets: [127.77.0.0/24, 127.78.0.1-127.78.0.8, 198.18.0.10]
    exclude: [127.77.0.13]
    protocols:                      # tried in this order on every target
      - protocol: snmp
        port: 161
        credentials: [{secret: lab-v3}, {secret: core-v2c}, {env: {community: SNMP_RO}}]
      - protocol: ssh
        platform: linux             # optional: detected (and remembered) when absent
        credentials: [{secret: lab-linux}]
    concurrency: 16
    timeout: 3                      # seconds per request / connect
    retries: 1
    schedule: "*/30 * * * *"        # cron, checked with croniter

Safety: every target must lie inside loopback (127.0.0.0/8) or the lab block
(198.18.0.0/15), or inside a network the job lists under `allow_networks`. Nothing else
is ever expanded, so no packet can be sent elsewhere. A CIDR or range of more than 65,536
addresses (larger than an IPv4 /16) is refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from croniter import croniter
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic import model_validator as _model_validator

from cmdb.errors import CMDBError
from cmdb.yamlfile import LineDict, LineList, YAMLFileError, line_of, load_yaml
from discovery.job_targets import (
    MAX_EXPANSION,
    AddressSpan,
    Network,
    count_addresses,
    expand,
    parse_network,
    parse_span,
)

__all__ = ["MAX_EXPANSION", "AddressSpan", "Job", "JobError", "expand_targets", "load_job",
           "parse_network", "parse_span"]  # fmt: skip

SAFE_NETWORKS: tuple[Network, ...] = (
    ipaddress.IPv4Network("127.0.0.0/8"),
    ipaddress.IPv4Network("198.18.0.0/15"),
)
DEFAULT_MAX_TARGETS = 4096  # addresses in one job (an IPv4 /20): raise it on purpose
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
# a site's name is part of message subjects and stream names (remote collectors)
SITE_NAME = r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"


class JobError(CMDBError):
    """A job file is invalid or unsafe. Names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, reason: str) -> None:
        self.path, self.line, self.field, self.reason = path, line, field, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


# -- the job model ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CredentialRef(_Strict):
    """Where a credential comes from, resolved at run time (never stored in the job).

    Exactly one source: `env` maps credential fields to variable names
    (`{community: SNMP_RO}`, `{username: SSH_USER, password: SSH_PASS}`); `secret`
    names an entry of the secrets file (the device lab's credentials are one such file,
    `.cmdb/lab/secrets.yaml`). Fields that are not secret (auth/priv protocol, context,
    key file) may be given beside `env`. `name` is what the run remembers; it defaults to
    the source.
    """

    name: str | None = Field(default=None, pattern=_NAME)
    env: dict[str, Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]] | None = None
    secret: str | None = Field(default=None, pattern=_NAME)
    auth_protocol: str | None = None
    priv_protocol: str | None = None
    context: str | None = None
    key_file: str | None = None

    @_model_validator(mode="before")
    @classmethod
    def _no_lab_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and "lab" in data:
            name = data["lab"] if isinstance(data["lab"], str) else "NAME"
            raise ValueError(
                f"the lab: credential kind is gone: write {{secret: {name}}} and give the "
                "lab's secrets file (--secrets .cmdb/lab/secrets.yaml)"
            )
        return data

    @_model_validator(mode="after")
    def _one_source(self) -> CredentialRef:
        sources = [s for s in ("env", "secret") if getattr(self, s) is not None]
        if len(sources) != 1:
            raise ValueError("give exactly one of env or secret")
        if self.env is not None and not self.env:
            raise ValueError("env maps credential fields to variable names; it is empty")
        return self

    @property
    def label(self) -> str:
        """The credential's name: safe to log, remember and show (never a secret)."""
        if self.name:
            return self.name
        if self.secret is not None:
            return f"secret:{self.secret}"
        assert self.env is not None
        return "env:" + ",".join(self.env[k] for k in sorted(self.env))


class _Protocol(_Strict):
    credentials: list[CredentialRef] = Field(min_length=1)

    @field_validator("credentials")
    @classmethod
    def _unique_names(cls, refs: list[CredentialRef]) -> list[CredentialRef]:
        labels = [r.label for r in refs]
        duplicates = sorted({x for x in labels if labels.count(x) > 1})
        if duplicates:
            raise ValueError(f"credential names must differ: {', '.join(duplicates)}")
        return refs


class SnmpProtocol(_Protocol):
    protocol: Literal["snmp"]
    port: int = Field(default=161, ge=1, le=65535)
    max_repetitions: int = Field(default=25, ge=1, le=200)
    # worker processes that collect (1: in the run's own process). Collecting is
    # CPU-bound in Python (pyasn1): large sweeps on several cores want more.
    processes: int = Field(default=1, ge=1, le=64)


class SshProtocol(_Protocol):
    protocol: Literal["ssh"]
    port: int = Field(default=22, ge=1, le=65535)
    platform: str | None = None

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        from discovery.ssh.platforms import PLATFORMS

        if value is not None and value not in PLATFORMS:
            raise ValueError(f"unknown platform {value!r}; known: {', '.join(sorted(PLATFORMS))}")
        return value


ProtocolModel = SnmpProtocol | SshProtocol
ProtocolSpec = Annotated[ProtocolModel, Field(discriminator="protocol")]


def _check_span(text: str) -> str:
    parse_span(text)
    return text


def _check_network(text: str) -> str:
    parse_network(text)
    return text


SpanText = Annotated[str, AfterValidator(_check_span)]
NetworkText = Annotated[str, AfterValidator(_check_network)]


class Job(_Strict):
    name: str = Field(pattern=_NAME)
    targets: list[SpanText] = Field(min_length=1)
    exclude: list[SpanText] = Field(default_factory=list)
    allow_networks: list[NetworkText] = Field(default_factory=list)
    protocols: list[ProtocolSpec] = Field(min_length=1)
    concurrency: int = Field(default=8, ge=1, le=256)
    timeout: float = Field(default=3.0, gt=0, le=300)
    retries: int = Field(default=1, ge=0, le=5)
    schedule: str | None = None
    # the site whose collector runs the job (remote collectors); None: `cmdb discover`
    site: str | None = Field(default=None, pattern=SITE_NAME)
    # addresses after expansion and exclusions; `cmdb discover --max-targets N` overrides
    max_targets: int = Field(default=DEFAULT_MAX_TARGETS, ge=1)

    @field_validator("protocols")
    @classmethod
    def _once_each(cls, values: list[ProtocolModel]) -> list[ProtocolModel]:
        names = [p.protocol for p in values]
        if len(set(names)) != len(names):
            raise ValueError("each protocol may appear once")
        return values

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a valid cron expression")
        return value

    @_model_validator(mode="after")
    def _site_job_name(self) -> Job:
        if self.site is not None and "." in self.name:
            raise ValueError(f"name {self.name!r}: a site's job name may not hold '.' "
                             "(it names the job's message subject)")
        return self

    @_model_validator(mode="after")
    def _safe_targets(self) -> Job:
        allowed = self.allowed_networks()
        for index, text in enumerate(self.targets):
            span = parse_span(text)
            if not any(span.within(net) for net in allowed):
                raise _UnsafeTarget(index, text, allowed)
        count = self.address_count()
        if count > self.max_targets:
            raise _TooManyTargets(count, self.max_targets)
        return self

    def address_count(self) -> int:
        """How many addresses the job sweeps (after exclusions), counted, not expanded."""
        return count_addresses([parse_span(t) for t in self.targets],
                               [parse_span(e) for e in self.exclude])  # fmt: skip

    def allowed_networks(self) -> tuple[Network, ...]:
        return SAFE_NETWORKS + tuple(parse_network(n) for n in self.allow_networks)

    def protocol(self, name: str) -> ProtocolModel | None:
        return next((p for p in self.protocols if p.protocol == name), None)


class _UnsafeTarget(ValueError):
    def __init__(self, index: int, text: str, allowed: Sequence[Network]) -> None:
        self.index = index
        nets = ", ".join(str(n) for n in allowed)
        super().__init__(
            f"{text} lies outside the networks this job may touch ({nets}); "
            "list its network under allow_networks to sweep it on purpose"
        )


class _TooManyTargets(ValueError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"{count} addresses after exclusions, more than this job's limit of {limit} "
            "(max_targets); to sweep them on purpose, raise it with `max_targets: N` in the "
            "job file or `--max-targets N` on the command"
        )


def expand_targets(job: Job) -> list[str]:
    """Every address the job sweeps, in file order, without duplicates or exclusions.

    Each span is checked against the allowed networks again here, and the count against
    `max_targets` before anything is expanded: this is the last gate before a packet is
    sent.
    """
    allowed = job.allowed_networks()
    spans = [parse_span(t) for t in job.targets]
    for span in spans:
        if not any(span.within(net) for net in allowed):
            raise JobError(job.name, None, "targets", str(_UnsafeTarget(0, span.text, allowed)))
    excluded = [parse_span(e) for e in job.exclude]
    count = count_addresses(spans, excluded)
    if count > job.max_targets:
        raise JobError(job.name, None, "targets", str(_TooManyTargets(count, job.max_targets)))
    return expand(spans, excluded)


# -- reading a job file ---------------------------------------------------------------


def load_job(path: Path, max_targets: int | None = None) -> Job:
    """Read and check a job file. Errors name the file, the line and the field.

    `max_targets` overrides the file's limit of addresses (the command's --max-targets).
    """
    try:
        document = load_yaml(path)
    except YAMLFileError as exc:
        raise JobError(exc.path, exc.line, None, exc.reason) from None
    if not isinstance(document, dict):
        raise JobError(str(path), 1, None, "a job file is a mapping (name, targets, ...)")
    data = _plain(document)
    if max_targets is not None:
        data["max_targets"] = max_targets
    try:
        return Job.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        raise _job_error(path, document, error) from None


def _job_error(path: Path, document: Any, error: Any) -> JobError:
    """The first validation error as file:line: field: reason. A field that is missing
    is named in full (`protocols[0].credentials`), on the line of what should hold it."""
    loc = _document_loc(document, error["loc"])
    cause = error.get("ctx", {}).get("error")
    message = str(cause) if cause is not None else str(error["msg"])
    if isinstance(cause, _UnsafeTarget):
        loc = ["targets", cause.index]
    elif isinstance(cause, _TooManyTargets):
        loc = ["targets"]
    line = line_of(document, loc)
    if error["type"] == "missing":
        loc = [*loc, error["loc"][-1]]
    elif error["type"] == "union_tag_not_found":  # a protocol without `protocol:`
        loc = [*loc, "protocol"]
        message = "Field required (snmp or ssh)"
    return JobError(str(path), line, _dotted(loc) or None, message)


def _plain(value: Any) -> Any:
    """LineDict/LineList -> dict/list (strict pydantic wants the plain types)."""
    if isinstance(value, LineDict | dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, LineList | list):
        return [_plain(v) for v in value]
    return value


def _document_loc(document: Any, loc: Sequence[int | str]) -> list[int | str]:
    """A pydantic location without the parts that are not in the file (union tags)."""
    out: list[int | str] = []
    node = document
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue
        out.append(part)
    return out


def _dotted(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
