"""Compliance rules as data: YAML files of `rules:`, read and checked whole before any
runs. Each rule: id, title, severity, doc, scope (classes, attribute values, statuses),
`effective_from`, and either a declarative `filter` (every condition must hold) or a
read-only, parameterised `cypher` query returning `uid` and `evidence`. A bad file is
one RuleFileError naming the file, the line and the reason (README "Audits")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from audits.errors import RuleFileError
from cmdb.yamlfile import LineDict, YAMLFileError, line_of, load_yaml

BUILTIN_DIR = Path(__file__).resolve().parent / "rules"
Scalar = str | int | float | bool


Severity = Literal["critical", "major", "minor", "warning", "info"]
CIStatus = Literal["planned", "active", "absent", "retired"]
SEVERITIES: tuple[str, ...] = ("critical", "major", "minor", "warning", "info")  # worst first


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Equals(_Strict):
    attribute: str
    value: Scalar


class OlderThanDays(_Strict):
    """A date or time attribute more than `days` before the run."""

    attribute: str
    days: float = Field(ge=0, le=36_500)


class OlderThanVersion(_Strict):
    """A version attribute older than `version`, or than the configured `baseline`
    (`minimum_versions` by one `key` attribute, `os_baselines` by two: vendor, OS name)."""

    attribute: str
    version: str | None = Field(default=None, min_length=1, max_length=100)
    baseline: Literal["minimum_versions", "os_baselines"] | None = None
    key: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_baseline(self) -> OlderThanVersion:
        if (self.version is None) == (self.baseline is None):
            raise ValueError("give either version or baseline")
        wanted = {None: 0, "minimum_versions": 1, "os_baselines": 2}[self.baseline]
        if len(self.key) != wanted:
            raise ValueError(f"key: {wanted} attribute(s) for {self.baseline or 'a version'}")
        return self


class NotSeen(_Strict):
    """Not reported by any of `sources` for `days` (default: config stale_after_days)."""

    sources: list[str] = Field(default_factory=lambda: ["ssh", "snmp"], min_length=1)
    days: float | None = Field(default=None, gt=0, le=36_500)


class Link(_Strict):
    """An open `type` link to a live CI of `to`; with `end_attribute`, one whose end (a
    contract's end_date) is unset or at least `lasting_days` ahead."""

    type: str
    to: list[str] = Field(min_length=1)
    end_attribute: str | None = None
    lasting_days: int = Field(default=0, ge=0, le=36_500)


class Condition(_Strict):
    missing: str | None = None
    equals: Equals | None = None
    older_than_days: OlderThanDays | None = None
    older_than_version: OlderThanVersion | None = None
    not_seen: NotSeen | None = None
    relationship_missing: Link | None = None
    relationship_present: Link | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [k for k, v in self.__dict__.items() if v is not None]
        if len(given) != 1:
            raise ValueError(f"exactly one condition per item, got {given or 'none'}")
        return self


def _active() -> list[CIStatus]:
    return ["active"]


class Scope(_Strict):
    classes: list[str] = Field(min_length=1)
    where: dict[str, Scalar] = Field(default_factory=dict)
    statuses: list[CIStatus] = Field(default_factory=_active, min_length=1)


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    title: str = Field(min_length=1, max_length=200)
    severity: Severity
    doc: str = Field(min_length=1, max_length=2000)
    scope: Scope
    effective_from: date | None = None
    filter: list[Condition] | None = Field(default=None, min_length=1)
    cypher: str | None = Field(default=None, min_length=1, max_length=20_000)
    parameters: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    path: str = ""  # the file it was read from (set on load)

    @model_validator(mode="after")
    def _filter_or_cypher(self) -> Rule:
        if (self.filter is None) == (self.cypher is None):
            raise ValueError("give either filter or cypher")
        if self.parameters and self.cypher is None:
            raise ValueError("parameters are for a cypher rule")
        if self.scope.where and self.cypher is not None:
            raise ValueError("scope.where is for a filter rule: a cypher rule tests in its query")
        return self


class _RuleFile(_Strict):
    rules: list[dict[str, Any]] = Field(min_length=1)


def rule_files(dirs: tuple[Path, ...] = ()) -> list[Path]:
    """The built-in rule files, then each configured folder's, by name."""
    files: list[Path] = []
    for folder in (BUILTIN_DIR, *dirs):
        if not folder.is_dir():
            raise RuleFileError(str(folder), None, "rule folder not found (audits.rule_dirs)")
        files += sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    return files


def read_rule_file(path: Path) -> tuple[list[Rule], Any]:
    """The rules of one file, checked for shape (not against the schema: audits.rulecheck),
    with the document read (its lines, for later errors)."""
    try:
        doc = load_yaml(path)
    except YAMLFileError as exc:
        raise RuleFileError(exc.path, exc.line, exc.reason) from None
    if not isinstance(doc, LineDict):
        raise RuleFileError(str(path), 1, "the top level must be a mapping with `rules:`")
    try:
        rule_list = _RuleFile.model_validate(doc).rules
    except ValidationError as exc:
        raise _error(path, doc, [], exc) from None
    rules = []
    for index, item in enumerate(rule_list):
        try:
            rules.append(Rule.model_validate({**item, "path": str(path)}))
        except ValidationError as exc:
            raise _error(path, doc, ["rules", index], exc) from None
    return rules, doc


def _error(path: Path, doc: Any, base: list[Any], exc: ValidationError) -> RuleFileError:
    first = exc.errors()[0]
    loc = [*base, *(p for p in first["loc"] if not str(p).startswith(("function-", "tagged")))]
    where = ".".join(str(p) for p in loc) or "rules"
    message = str(first["msg"]).removeprefix("Value error, ")
    return RuleFileError(str(path), line_of(doc, loc), f"{where}: {message}")
