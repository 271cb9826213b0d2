"""Fingerprints of reported facts: stable short hashes that tell 'same as last time'."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# One encoder for every fingerprint (json.dumps with options builds a new one per call).
_ENCODER = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))


def fingerprint(*parts: Any) -> str:
    """A stable short hash of facts (JSON text, so it does not vary between processes)."""
    text = _ENCODER.encode(parts)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
