"""Fingerprints of reported facts: stable short hashes that tell 'same as last time'."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(*parts: Any) -> str:
    """A stable short hash of facts (JSON text, so it does not vary between processes)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
