"""Conversions between stored properties and plain Python values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j.time


def native(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def native_props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: native(v) for k, v in props.items()}


def from_epoch(pair: Any) -> datetime | None:
    """[epoch seconds, nanoseconds] (as queries return times cheaply) -> a UTC datetime."""
    if pair is None or pair[0] is None:
        return None
    seconds, nanos = pair
    return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=nanos // 1000)
