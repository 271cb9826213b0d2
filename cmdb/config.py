"""Configuration: a cmdb.yaml (optional) plus CMDB_* environment variables.

Precedence: environment > cmdb.yaml > defaults. NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD
select an external Neo4j instead of the project's local DBMS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, with_config
from typing_extensions import TypedDict

from cmdb.errors import ConfigError
from cmdb.schedule_config import Schedules, SchedulesFile, resolve
from cmdb.yamlfile import YAMLFileError, line_of, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _LifecycleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    absent_after_missed_runs: int = Field(default=3, ge=1)
    absent_after_days: float | None = Field(default=None, gt=0)
    retire_after_absent_days: float | None = Field(default=None, gt=0)


class _DBMSFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    data_dir: str | None = None
    port: int = Field(default=7687, ge=1, le=65535)
    heap_mb: int = Field(default=2048, ge=256)
    pagecache_mb: int = Field(default=1024, ge=64)


class _IngestFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    max_clock_skew_seconds: float = Field(default=300.0, ge=0, le=86_400)


class _ImpactRootsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    names: list[str] = Field(default_factory=list)  # names or uids
    class_: str | None = Field(default=None, alias="class")
    attributes: dict[str, str | int | bool] = Field(default_factory=dict)


class _ImpactFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    roots: _ImpactRootsFile | None = None
    max_depth: int = Field(default=12, ge=1, le=32)


class _ApiFile(BaseModel):
    """The API's limits (`api:`); every one also CMDB_API_<NAME> in the environment."""

    model_config = ConfigDict(extra="forbid", strict=True)
    max_depth: int = Field(default=12, ge=1, le=100)
    max_aliases: int = Field(default=30, ge=0, le=10_000)
    max_tokens: int = Field(default=5000, ge=10, le=1_000_000)
    max_cost: int = Field(default=100_000, ge=1)
    max_page_size: int = Field(default=500, ge=1, le=100_000)
    max_result_bytes: int = Field(default=10_000_000, ge=1000)
    max_body_bytes: int = Field(default=1_000_000, ge=1000)
    max_upload_bytes: int = Field(default=20_000_000, ge=1000)
    query_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    introspection: bool = True


_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class _MaintenanceWindowFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: str = Field(pattern=_CLOCK)  # HH:MM UTC
    end: str = Field(pattern=_CLOCK)  # not after start: the next day


_Approvals = Annotated[int, Field(ge=1, le=20)]


@with_config(ConfigDict(extra="forbid", strict=True))
class _ApprovalsRequiredFile(TypedDict, total=False):
    """`changes.approvals_required`: distinct reviewers' approvals per category (a
    TypedDict: a wrong shape is told as "a valid dictionary", no class name)."""

    standard: _Approvals
    normal: _Approvals
    emergency: _Approvals


class _ChangesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    maintenance_windows: list[_MaintenanceWindowFile] | None = None
    self_approval: bool = False
    approvals_required: _ApprovalsRequiredFile = Field(
        default_factory=lambda: _ApprovalsRequiredFile()
    )


class _AuditsFile(BaseModel):
    """`audits:` (audits/): rule folders, minimum versions per product, the OS baseline
    per vendor and OS name, days a device may go unseen by discovery."""

    model_config = ConfigDict(extra="forbid", strict=True)
    rule_dirs: list[str] = Field(default_factory=list)
    minimum_versions: dict[str, str] = Field(default_factory=dict)
    os_baselines: dict[str, dict[str, str]] = Field(default_factory=dict)
    stale_after_days: float = Field(default=30.0, gt=0, le=36_500)
    # class -> attribute patterns (fnmatch) whose changes are standard: never a finding
    standard_changes: dict[str, list[str]] = Field(default_factory=dict)
    # check the changes a discovery run observed against change requests when it ends
    changes_after_discovery: bool = True


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    audits: _AuditsFile = Field(default_factory=_AuditsFile)
    schedules: SchedulesFile = Field(default_factory=SchedulesFile)
    changes: _ChangesFile = Field(default_factory=_ChangesFile)
    api: _ApiFile = Field(default_factory=_ApiFile)
    dbms: _DBMSFile = Field(default_factory=_DBMSFile)
    impact: _ImpactFile = Field(default_factory=_ImpactFile)
    lifecycle: _LifecycleFile = Field(default_factory=_LifecycleFile)
    ingest: _IngestFile = Field(default_factory=_IngestFile)
    batch_size: int = Field(default=1000, ge=1, le=50_000)
    sighting_granularity_minutes: float = Field(default=60.0, ge=0)


@dataclass(frozen=True)
class Lifecycle:
    absent_after_missed_runs: int = 3
    absent_after: timedelta | None = None
    retire_after_absent: timedelta | None = None


@dataclass(frozen=True)
class ImpactRoots:
    """The network's roots for reachability (`impact.roots`): CIs by name or uid, and/or
    every CI of a class whose attributes equal the given values. None configured: the
    default (cmdb/impact/reach.py)."""

    names: tuple[str, ...] = ()
    class_name: str | None = None
    attributes: tuple[tuple[str, str | int | bool], ...] = ()


@dataclass(frozen=True)
class ImpactConfig:
    roots: ImpactRoots | None = None
    max_depth: int = 12


@dataclass(frozen=True)
class ApiSettings:
    """The limits every API request is held to (README "GraphQL API: serving")."""

    max_depth: int = 12  # nesting of fields
    max_aliases: int = 30  # aliased fields in one document
    max_tokens: int = 5000  # lexical tokens of the query text
    max_cost: int = 100_000  # fields, each times the page sizes (`first`) above it
    max_page_size: int = 500  # the largest `first`/`last` a list field takes
    max_result_bytes: int = 10_000_000  # the JSON answer
    max_body_bytes: int = 1_000_000  # the request body
    max_upload_bytes: int = 20_000_000  # a file uploaded (importRegister), beside the body
    query_timeout_seconds: float = 30.0  # each Neo4j transaction of a request
    introspection: bool = True


@dataclass(frozen=True)
class ApprovalsRequired:
    """How many distinct reviewers must approve a change request of each category."""

    standard: int = 1
    normal: int = 1
    emergency: int = 1


@dataclass(frozen=True)
class ChangesConfig:
    """`changes:`: the agreed weekly maintenance windows as (days, "HH:MM", "HH:MM") in
    UTC (None: the default, cmdb/changes/windows.py); whether the requester or
    implementer of a request may approve or reject it (`self_approval`, default no: a
    one-person lab may say yes); the approvals each category needs (cmdb/changes/cab.py)."""

    maintenance_windows: tuple[tuple[tuple[str, ...], str, str], ...] | None = None
    self_approval: bool = False
    approvals_required: ApprovalsRequired = field(default_factory=ApprovalsRequired)


@dataclass(frozen=True)
class AuditsConfig:
    """`audits:`: rule folders besides audits/rules/ (relative to cmdb.yaml's folder);
    product -> minimum version (lower-case product); vendor -> OS name -> baseline version
    (lower-case); a device unseen by discovery this long is stale."""

    rule_dirs: tuple[Path, ...] = ()
    minimum_versions: tuple[tuple[str, str], ...] = ()
    os_baselines: tuple[tuple[str, str, str], ...] = ()
    stale_after: timedelta = timedelta(days=30)
    standard_changes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    changes_after_discovery: bool = True


@dataclass(frozen=True)
class Config:
    """Resolved settings. `neo4j_uri` is None when the local DBMS is used."""

    data_dir: Path
    port: int = 7687
    heap_mb: int = 2048
    pagecache_mb: int = 1024
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = field(default=None, repr=False)
    batch_size: int = 1000
    sighting_granularity: timedelta = timedelta(minutes=60)
    # how far past the clock a change set's observed_at may be (clocks drift a little)
    max_clock_skew: timedelta = timedelta(seconds=300)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    impact: ImpactConfig = field(default_factory=ImpactConfig)
    api: ApiSettings = field(default_factory=ApiSettings)
    changes: ChangesConfig = field(default_factory=ChangesConfig)
    audits: AuditsConfig = field(default_factory=AuditsConfig)
    schedules: Schedules = field(default_factory=Schedules)  # cmdb/schedule_config.py

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **changes)


def _read_file(path: Path) -> _ConfigFile:
    """cmdb.yaml, read within the input limits; errors name the file, line and field."""
    try:
        loaded = load_yaml(path)
    except YAMLFileError as exc:
        raise ConfigError(str(exc)) from None
    if loaded is not None and not isinstance(loaded, dict):
        raise ConfigError(f"{path}:1: the top level must be a mapping")
    try:
        return _ConfigFile.model_validate(loaded or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        line = line_of(loaded, first["loc"]) or 1
        raise ConfigError(f"{path}:{line}: {loc}: {first['msg']}") from None


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read cmdb.yaml (from `path`, CMDB_CONFIG, or ./cmdb.yaml if present) and the env."""
    env = dict(os.environ) if env is None else env
    if path is None and env.get("CMDB_CONFIG"):
        path = Path(env["CMDB_CONFIG"])
    if path is None and Path("cmdb.yaml").is_file():
        path = Path("cmdb.yaml")
    parsed = _read_file(path) if path is not None else _ConfigFile()

    data_dir = Path(
        env.get("CMDB_DATA_DIR") or parsed.dbms.data_dir or PROJECT_ROOT / ".cmdb" / "neo4j"
    )
    try:
        port = int(env.get("CMDB_NEO4J_PORT", parsed.dbms.port))
        heap = int(env.get("CMDB_NEO4J_HEAP_MB", parsed.dbms.heap_mb))
        pagecache = int(env.get("CMDB_NEO4J_PAGECACHE_MB", parsed.dbms.pagecache_mb))
    except ValueError as exc:
        raise ConfigError(f"CMDB_NEO4J_* must be whole numbers: {exc}") from None
    skew = _seconds(env, "CMDB_INGEST_MAX_CLOCK_SKEW_SECONDS", parsed.ingest.max_clock_skew_seconds)
    lc = parsed.lifecycle
    return Config(
        data_dir=data_dir,
        port=port,
        heap_mb=heap,
        pagecache_mb=pagecache,
        neo4j_uri=env.get("NEO4J_URI") or None,
        neo4j_user=env.get("NEO4J_USER", "neo4j"),
        neo4j_password=env.get("NEO4J_PASSWORD"),
        batch_size=parsed.batch_size,
        sighting_granularity=timedelta(minutes=parsed.sighting_granularity_minutes),
        max_clock_skew=timedelta(seconds=skew),
        lifecycle=Lifecycle(
            absent_after_missed_runs=lc.absent_after_missed_runs,
            absent_after=timedelta(days=lc.absent_after_days) if lc.absent_after_days else None,
            retire_after_absent=(
                timedelta(days=lc.retire_after_absent_days) if lc.retire_after_absent_days else None
            ),
        ),
        impact=_impact(parsed.impact),
        changes=_changes(parsed.changes),
        api=_api(parsed.api, env),
        audits=_audits(parsed.audits, path.parent if path is not None else Path.cwd()),
        schedules=resolve(parsed.schedules, path.parent if path is not None else Path.cwd()),
    )


def _audits(parsed: _AuditsFile, base: Path) -> AuditsConfig:
    return AuditsConfig(
        rule_dirs=tuple(base / d for d in parsed.rule_dirs),
        minimum_versions=tuple(sorted((k.lower(), v) for k, v in parsed.minimum_versions.items())),
        os_baselines=tuple(
            sorted(
                (vendor.lower(), os_name.lower(), version)
                for vendor, by_os in parsed.os_baselines.items()
                for os_name, version in by_os.items()
            )
        ),
        stale_after=timedelta(days=parsed.stale_after_days),
        standard_changes=tuple(
            (cls, tuple(patterns)) for cls, patterns in sorted(parsed.standard_changes.items())
        ),
        changes_after_discovery=parsed.changes_after_discovery,
    )


def _impact(parsed: _ImpactFile) -> ImpactConfig:
    roots = parsed.roots
    if roots is None:
        return ImpactConfig(max_depth=parsed.max_depth)
    return ImpactConfig(
        roots=ImpactRoots(
            names=tuple(roots.names),
            class_name=roots.class_,
            attributes=tuple(sorted(roots.attributes.items())),
        ),
        max_depth=parsed.max_depth,
    )


def _api(parsed: _ApiFile, env: dict[str, str]) -> ApiSettings:
    """The file's `api:` limits, each overridden by CMDB_API_<NAME> when set."""
    values: dict[str, Any] = parsed.model_dump()
    named = {f"CMDB_API_{name.upper()}": name for name in values}
    values |= {name: env[var] for var, name in named.items() if var in env}
    try:
        checked = _ApiFile.model_validate(values, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0])
        var = f"CMDB_API_{name.upper()}"
        where = f"{var}={env[var]!r}" if var in env else f"api.{name}"
        raise ConfigError(f"{where}: {first['msg']}") from None
    return ApiSettings(**checked.model_dump())


def _changes(parsed: _ChangesFile) -> ChangesConfig:
    slots = None
    if parsed.maintenance_windows is not None:
        slots = tuple((tuple(w.days), w.start, w.end) for w in parsed.maintenance_windows)
    return ChangesConfig(
        maintenance_windows=slots,
        self_approval=parsed.self_approval,
        approvals_required=ApprovalsRequired(**parsed.approvals_required),
    )


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    """A non-negative number of seconds from the environment, else `default`."""
    text = env.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:  # also refuses nan and inf
        raise ConfigError(f"{name} must be a number of seconds from 0 to 86400, got {text!r}")
    return value
