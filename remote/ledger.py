"""The centre's ledger (SQLite, one file in its state directory): what it has applied.

    applied     message ids done (a redelivery or a replay of the stream is skipped)
    snapshots   per site and scope, the change set last applied from a full message:
                its content hash, when it was observed, and the message itself as it
                came (compressed), so that an `unchanged` message (only a hash) can be
                applied as a fresh sighting; a kept message that no longer reads is no
                snapshot (the collector's next whole send heals it)
    run_notes   per site and run, what ingest added (failures, counts) for the run record

The graph is written first, the ledger after: a crash in between makes the next
delivery ingest the same change set again, which ingest leaves unchanged. For the same
reason the ledger runs in SQLite's WAL mode with `synchronous=NORMAL` (no disk flush per
message): what a power cut takes from its tail is delivered again and skipped or
re-applied unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cmdb.errors import CMDBError
from cmdb.observations import ChangeSet
from cmdb.runs import Failure
from remote.messages import MessageError, StepMessage, decode

_SCHEMA = """
CREATE TABLE IF NOT EXISTS applied (msg_id TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    site TEXT NOT NULL, scope TEXT NOT NULL, content TEXT NOT NULL,
    observed_at TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (site, scope));
CREATE TABLE IF NOT EXISTS run_notes (
    site TEXT NOT NULL, run_id TEXT NOT NULL, steps INTEGER NOT NULL DEFAULT 0,
    failures TEXT NOT NULL DEFAULT '[]', totals TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (site, run_id));
"""


@dataclass(frozen=True)
class Snapshot:
    content: str
    observed_at: datetime
    changeset: ChangeSet


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CMDBError(f"{path}: the centre's ledger is unreadable ({exc})") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """What one message changes in the ledger, all of it or none."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def applied(self, msg_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM applied WHERE msg_id = ?", (msg_id,)).fetchone()
        return row is not None

    def mark_applied(self, msg_id: str, at: datetime) -> None:
        self.db.execute("INSERT OR IGNORE INTO applied VALUES (?, ?)", (msg_id, at.isoformat()))

    def snapshot(self, site: str, scope: str) -> Snapshot | None:
        row = self.db.execute("SELECT content, observed_at, body FROM snapshots "
                              "WHERE site = ? AND scope = ?", (site, scope)).fetchone()  # fmt: skip
        if row is None:
            return None
        try:
            message = decode(row[2], f"kept for {site} {scope}")
        except MessageError:
            return None
        if not isinstance(message, StepMessage) or message.changeset is None:
            return None
        return Snapshot(row[0], datetime.fromisoformat(row[1]), message.changeset)

    def keep_snapshot(self, message: StepMessage, scope: str) -> None:
        """Keep a full step, as it came, as the scope's snapshot."""
        if message.changeset is None or message.content is None:
            raise ValueError(f"step {message.msg_id} carries no change set to keep")
        wire = message.wire if message.wire is not None else message.encode()
        self.db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                        (message.site, scope, message.content,
                         message.changeset.observed_at.isoformat(), wire))  # fmt: skip

    def seen_again(self, site: str, scope: str, observed_at: datetime) -> None:
        self.db.execute("UPDATE snapshots SET observed_at = ? WHERE site = ? AND scope = ? "
                        "AND observed_at < ?", (observed_at.isoformat(), site, scope,
                                                observed_at.isoformat()))  # fmt: skip

    def note_step(self, site: str, run_id: str, failures: list[Failure],
                  totals: dict[str, int]) -> None:  # fmt: skip
        notes = self.run_notes(site, run_id)
        merged = dict(notes["totals"])
        for key, value in totals.items():
            merged[key] = merged.get(key, 0) + value
        self.db.execute(
            "INSERT OR REPLACE INTO run_notes VALUES (?, ?, ?, ?, ?)",
            (site, run_id, notes["steps"] + 1,
             json.dumps(notes["failures"] + [f.as_dict() for f in failures]), json.dumps(merged)),
        )  # fmt: skip

    def run_notes(self, site: str, run_id: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT steps, failures, totals FROM run_notes WHERE site = ? AND run_id = ?",
            (site, run_id)).fetchone()
        if row is None:
            return {"steps": 0, "failures": [], "totals": {}}
        return {"steps": row[0], "failures": json.loads(row[1]), "totals": json.loads(row[2])}
