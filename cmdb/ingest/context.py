"""What every stage of one ingest knows and nobody changes: the schema, the settings, the
change set, the instant its facts were observed and the id its write will carry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cmdb.config import Config
from cmdb.observations import ChangeSet
from cmdb.schema import Schema


@dataclass(frozen=True)
class IngestContext:
    schema: Schema
    config: Config
    changeset: ChangeSet
    at: datetime  # when the facts were observed: decides lateness, for every group alike
    cs_id: str
    source_prefix: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_prefix", "{" + json.dumps(self.source) + ': "')

    @property
    def source(self) -> str:
        return self.changeset.source

    @property
    def scope(self) -> str | None:
        return self.changeset.scope

    @property
    def run(self) -> str | None:
        return self.changeset.discovery_run

    @property
    def granularity(self) -> timedelta:
        return self.config.sighting_granularity

    def one_source_json(self, fp: str) -> str:
        """`{"<this source>": "<fp>"}` as json.dumps writes it, for a hex fingerprint."""
        return self.source_prefix + fp + '"}'
