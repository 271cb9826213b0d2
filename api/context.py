"""What every resolver gets as `info.context`: the request's Db, who is asking, the CI
model, the settings, and the request's DataLoaders (created per request, never shared)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.db import Db
from cmdb.config import Config
from cmdb.impact.kept import TopologyCache
from cmdb.schema import Schema

T = TypeVar("T")


@dataclass(frozen=True)
class Viewer:
    """The token a request came with: its name (the actor of manual changes) and role."""

    name: str
    role: str


@dataclass
class RequestContext:
    request: Request
    response: Response | None
    db: Db
    model: Schema
    config: Config
    viewer: Viewer | None = None
    topologies: TopologyCache | None = None  # the app's, shared by its requests
    _loaders: dict[str, Any] = field(default_factory=dict)

    def loader(self, key: str, make: Callable[[], T]) -> T:
        """This request's loader named `key`, made on first use (a DataLoader batches and
        caches within one request only)."""
        if key not in self._loaders:
            self._loaders[key] = make()
        loader: T = self._loaders[key]
        return loader
