"""The frames reconciliation compares, from a few bounded reads (cmdb/queries/reconcile.py):
devices with their identifiers and per-source sightings, their places and owners by
link source, the addresses discovery runs reached; and the register file's rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from audits.register.importer import RegisterFile
from cmdb.queries import reconcile as q
from cmdb.queryplan import Plan, Query

DISCOVERY = ("ssh", "snmp")  # the sources that observe
REGISTER = "register"
STATUSES = ["planned", "active", "absent"]
RUNS_READ = 1000  # the newest discovery runs whose coverage counts

DEVICE_COLUMNS = ["uid", "class", "name", "serial_number", "hostname", "model",
                  "management_ip", "warranty_end", "registered", "discovered",
                  "last_discovered", "prov", "place", "place_source", "owner",
                  "owner_source", "department", "department_source"]  # fmt: skip
# a device's open links compared with the register, each kind's column: its places, the
# person who owns it (owner) and the team (department), as the importer links them
LINKED = {"place": ("LOCATED_IN", None), "owner": ("OWNED_BY", "Person"),
          "department": ("OWNED_BY", "Team")}  # fmt: skip


CONFLICT_COLUMNS = ["key", "class", "uids", "chosen", "identifiers"]


@dataclass
class Frames:
    devices: pd.DataFrame  # DEVICE_COLUMNS, one row per CI
    covered: frozenset[str]  # addresses a discovery run worked on
    runs: int  # discovery runs read
    ports: pd.DataFrame  # switch ports up and connected: uid, name, device, patched
    points: pd.DataFrame  # information points: uid, point_id, port_uid, port, oper_status
    conflicts: pd.DataFrame  # open identification conflicts: key, class, uids, chosen, ...


def read_frames(labels: Sequence[str]) -> Plan[Frames]:
    rows = yield Query(q.devices_query(labels), {"statuses": STATUSES})
    runs = yield Query(q.RUN_COVERAGE, {"limit": RUNS_READ})
    covered = frozenset(t for r in runs for t in json.loads(r["coverage"] or "{}"))
    ports = yield Query(q.CONNECTED_PORTS, {"statuses": STATUSES, "up": "up"})
    points = yield Query(q.POINT_PORTS, {"statuses": STATUSES})
    conflicts = yield Query(q.OPEN_CONFLICTS, {"open": "open"})
    return Frames(devices_frame(rows), covered, len(runs),
                  pd.DataFrame(ports, columns=["uid", "name", "device", "patched"]),
                  pd.DataFrame(points, columns=["uid", "point_id", "port_uid", "port",
                                                "oper_status"]),
                  pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS))  # fmt: skip


def devices_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per CI: sightings and links flattened (the non-register place, owner and
    department: the discovered or current value reconciliation compares the register's
    with)."""
    df = pd.DataFrame(rows, columns=["uid", "class", "name", "status", "serial_number",
                                     "hostname", "model", "management_ip", "warranty_end",
                                     "seen", "prov", "links"])  # fmt: skip
    seen = df["seen"].map(lambda s: json.loads(s or "{}"))
    df["registered"] = seen.map(lambda s: REGISTER in s)
    df["discovered"] = seen.map(lambda s: any(k in s for k in DISCOVERY))
    df["last_discovered"] = seen.map(lambda s: max((s[k] for k in DISCOVERY if k in s),
                                                   default=None))  # fmt: skip
    df["prov"] = df["prov"].map(lambda s: json.loads(s or "{}"))
    links = df[["uid", "links"]].explode("links").dropna(subset=["links"])
    links = pd.concat([links[["uid"]].reset_index(drop=True),
                       pd.json_normalize(links["links"].tolist())], axis=1)  # fmt: skip
    if links.empty:
        links = pd.DataFrame(columns=["uid", "type", "class", "name", "source", "within"])
    links["name"] = [place_path(n, w) if t == "LOCATED_IN" else n
                     for t, n, w in zip(links["type"], links["name"], links["within"],
                                        strict=True)]  # fmt: skip
    links = links[links["source"] != REGISTER].sort_values(["uid", "type", "name"])
    for col, (kind, cls) in LINKED.items():
        of_kind = links["type"] == kind
        if cls is not None:
            of_kind &= links["class"] == cls
        first = links[of_kind].drop_duplicates("uid")
        first = first.rename(columns={"name": col, "source": f"{col}_source"})
        df = df.merge(first[["uid", col, f"{col}_source"]], on="uid", how="left")
    return df[DEVICE_COLUMNS]


def place_path(name: str, within: list[list[Any]]) -> str:
    """A place named with the places it is within, outermost first: 总部大楼/一号机房/A01
    (a rack's name says little: every room has an A01)."""
    outer = [str(n) for _depth, n in sorted(within or [], key=lambda w: -int(w[0]))]
    return "/".join([*outer, str(name)])


REGISTER_COLUMNS = ["row", "serial", "hostname", "name", "model", "warranty_end", "place",
                    "owner", "department"]  # fmt: skip


def register_frame(register: RegisterFile) -> pd.DataFrame:
    """The register file's rows: identifiers and the values reconciliation compares (the
    place: location/room/rack, what the row names of them, as place_path names the CI's;
    the owner (a person) and the department apart, as the importer links them to a
    Person and a Team)."""
    rows = []
    for r in register.parsed.rows:
        v = {k: str(x) for k, x in r.values.items()}
        place = "/".join(v[f] for f in ("location", "room", "rack") if v.get(f)) or None
        rows.append({"row": r.row, "serial": v.get("serial"), "hostname": v.get("hostname"),
                     "name": v.get("name"), "model": v.get("model"),
                     "warranty_end": v.get("warranty_end"), "place": place,
                     "owner": v.get("owner"), "department": v.get("department")})  # fmt: skip
    return pd.DataFrame(rows, columns=REGISTER_COLUMNS)
