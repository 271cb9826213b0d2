"""A hub and two sites ("a", "b") of real nats-server processes on loopback, per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from remote.harness import Deployment


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with Deployment(tmp_path / "nats", ["a", "b"]) as started:
        yield started
