"""A site collector's configuration file (YAML), kept at the site:

    site: branch-a                    # lower-case letters, digits, dashes
    nats: nats://127.0.0.1:4222       # the site's OWN server (never the hub)
    secrets: secrets.yaml             # the site's credentials (mode 0600); never sent
    state_dir: state                  # what it sent, which credential worked where
    resend_after_hours: 24            # a device's whole change set at least this often
    buffer_days: 7                    # how long the site's stream keeps what the hub has
                                      # not taken (a link down longer loses the oldest)

Relative paths are relative to the file. Errors name the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cmdb.errors import CMDBError
from cmdb.yamlfile import YAMLFileError, line_of, load_yaml
from discovery.jobs import SITE_NAME


class _CollectorFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    site: str = Field(pattern=SITE_NAME)
    nats: str = Field(pattern=r"^(nats|tls)://[^\s/]+$")
    secrets: str | None = None
    state_dir: str = "collector-state"
    resend_after_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    buffer_days: float = Field(default=7.0, gt=0, le=365)


@dataclass(frozen=True)
class CollectorSettings:
    site: str
    nats_url: str
    secrets_file: Path | None
    state_dir: Path
    resend_after: timedelta
    buffer: timedelta = timedelta(days=7)

    @property
    def sent_file(self) -> Path:
        return self.state_dir / "sent.json"

    @property
    def memory_file(self) -> Path:
        return self.state_dir / "credential-memory.json"

    @property
    def jobs_dir(self) -> Path:
        return self.state_dir / "jobs"


def load_collector_settings(path: Path, site: str | None = None) -> CollectorSettings:
    """Read `path`; `site` (the command's --site) must match the file's."""
    try:
        document = load_yaml(path)
    except YAMLFileError as exc:
        where = f"{exc.path}:{exc.line}" if exc.line is not None else exc.path
        raise CMDBError(f"{where}: {exc.reason}") from None
    if not isinstance(document, dict):
        raise CMDBError(f"{path}:1: a collector file is a mapping (site, nats, secrets, ...)")
    try:
        model = _CollectorFile.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        line = line_of(document, error["loc"]) or 1
        raise CMDBError(f"{path}:{line}: {field}: {error['msg']}") from None
    if site is not None and site != model.site:
        raise CMDBError(f"{path}: the file is site {model.site!r}'s, not {site!r}'s")
    base = path.parent
    return CollectorSettings(
        site=model.site, nats_url=model.nats,
        secrets_file=base / model.secrets if model.secrets else None,
        state_dir=base / model.state_dir, resend_after=timedelta(hours=model.resend_after_hours),
        buffer=timedelta(days=model.buffer_days),
    )  # fmt: skip
