"""Manual CIs and relationships: a person's change, written as `cmdb load` writes one.

A manual CI or link is a change set of source `manual` with the actor and the reason
(and a change request when given) run through the Ingestor, so it is checked exactly as
a loaded file is (same messages, naming the field). A link between stored CIs names them
by their identifiers, read from the graph (`cmdb load` files do the same by hand).
Closing a link, which no observation can ask for, writes the close with its own change
set. Attribute edits, retire and restore are cmdb.edit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j
from pydantic import ValidationError

from cmdb.config import Config
from cmdb.edit import MANUAL
from cmdb.errors import ManualEditError, NotFoundError
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.properties import native, native_props
from cmdb.queries.lifecycle import READ_CI
from cmdb.queries.manual import open_link_query
from cmdb.schema import Schema
from cmdb.write import ChangeSetRecord, Tx, WriteSet, write


@dataclass(frozen=True)
class Author:
    """Who asks for a manual change, why, and under which change request."""

    actor: str
    reason: str
    change_request: str | None = None

    def checked(self) -> Author:
        if not self.reason.strip():
            raise ManualEditError("a manual change needs a reason")
        return self


@dataclass(frozen=True)
class Written:
    uid: str | None  # the CI created or changed (None for a link)
    changeset_id: str | None  # None: nothing changed
    created: bool = False


def create_ci(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    author: Author,
    ci: dict[str, Any],
) -> Written:
    """Ingest one CI fact (`class`, `attributes`, optional `status`, `parent` uid) as
    `cmdb load` would: a CI its identifiers find is that CI, updated."""
    fact = dict(ci, key="ci")
    parent = fact.pop("parent", None)
    if parent is not None:
        fact["parent"] = _ref_of(driver, schema, parent, "parent")
    result = _ingest(driver, schema, config, author, {"cis": [fact]})
    return Written(result.uids.get("ci"), result.changeset_id, result.created > 0)


def open_link(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    author: Author,
    link: dict[str, Any],
) -> Written:
    """Open a link (`type`, `source` and `target` uids, `attributes`) as `cmdb load`
    would; a link open already is refused."""
    source = _ref_of(driver, schema, link["source"], "source")
    target = _ref_of(driver, schema, link["target"], "target")
    fact = dict(link, source=source, target=target)
    result = _ingest(driver, schema, config, author, {"links": [fact]})
    if result.links_opened == 0 and result.changeset_id is None:
        raise ManualEditError(
            f"a {link['type']} link from {link['source']} to {link['target']} is open already"
        )
    return Written(None, result.changeset_id)


def close_link(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    author: Author,
    rel_type: str,
    source: str,
    target: str,
) -> Written:
    """Close the open `rel_type` link from `source` to `target` (uids), now."""
    author.checked()
    rel = schema.relationships.get(rel_type)
    if rel is None:
        raise ManualEditError(f"field 'type': unknown relationship type {rel_type!r}")
    now = datetime.now(UTC)

    def work(tx: Tx) -> str:
        rows = list(tx.run(open_link_query(rel), a=source, b=target))
        if not rows:
            raise NotFoundError(f"no open {rel_type} link from {source!r} to {target!r}")
        record = ChangeSetRecord(
            source=MANUAL, actor=author.actor, reason=author.reason, observed_at=now,
            at=max([now, *(native(r["since"]) for r in rows)]),
            change_request=author.change_request,
        )  # fmt: skip
        write(tx, WriteSet(link_closes=[r["id"] for r in rows]), record, config.batch_size)
        return record.id

    with driver.session() as session:
        changeset: str = session.execute_write(work)
    return Written(None, changeset)


def _ingest(
    driver: neo4j.Driver, schema: Schema, config: Config, author: Author, facts: dict[str, Any]
) -> Any:
    author.checked()
    document = {
        "source": MANUAL, "actor": author.actor, "reason": author.reason,
        "change_request": author.change_request, "observed_at": datetime.now(UTC), **facts,
    }  # fmt: skip
    try:
        changeset = ChangeSet.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ManualEditError(f"field {where!r}: {error['msg']}") from None
    return Ingestor(driver, schema, config).ingest(changeset)


def _ref_of(driver: neo4j.Driver, schema: Schema, uid: Any, field: str) -> dict[str, Any]:
    """A stored CI as a load file points at it: class, identifiers, parent's."""
    if not isinstance(uid, str):
        raise ManualEditError(f"field {field!r}: expected a CI uid")
    records, _, _ = driver.execute_query(READ_CI, uid=uid, routing_=neo4j.RoutingControl.READ)
    if not records:
        raise NotFoundError(f"field {field!r}: no CI with uid {uid!r}")
    props = native_props(records[0]["p"])
    cls = schema.classes[props["_class"]]
    parent = props.get("_parent")
    sets = cls.identification if parent is not None or not cls.scoped_by else ()
    for id_set in (*sets, *cls.global_identification):
        if all(not schema.is_junk(props.get(a)) for a in id_set):
            ref: dict[str, Any] = {"class": cls.name, "identifiers": {a: props[a] for a in id_set}}
            if cls.scoped_by and id_set in sets:
                ref["parent"] = _ref_of(driver, schema, parent, f"{field}.parent")
            return ref
    raise ManualEditError(f"field {field!r}: CI {uid} has no complete identifier set")
