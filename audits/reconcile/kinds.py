"""The discrepancies, found with pandas merges and groupbys over the frames (no loop over
the estate): each a frame of `uid` (the CI a finding is about) and `evidence` (a dict)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from audits.reconcile.frames import Frames

# the classes a register lists: a device of these that discovery sees should be in it
REGISTERED_CLASSES = ("Server", "NetworkDevice", "Peripheral")
# register field -> the CI's column, and the column naming where the CI's value came from
DRIFT_FIELDS = {"serial": "serial_number", "model": "model", "warranty_end": "warranty_end",
                "place": "place", "owner": "owner", "department": "department"}  # fmt: skip
EVIDENCE = ["uid", "evidence"]


def _evidence(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    df = df.drop_duplicates(subset="uid")  # one finding per CI and kind
    records = df[columns].astype(object).where(df[columns].notna(), None).to_dict("records")
    return pd.DataFrame({"uid": df["uid"].to_numpy(), "evidence": records}, columns=EVIDENCE)


def missing(frames: Frames) -> pd.DataFrame:
    """Registered, never seen by discovery, although discovery covered it: its management
    address a run's target, or (no address on record) discovery observing the estate."""
    d = frames.devices
    observing = bool(d["discovered"].any()) or frames.runs > 0
    by_address = d["management_ip"].isin(list(frames.covered))
    unknown = d["management_ip"].isna() & observing
    found = d[d["registered"] & ~d["discovered"] & (by_address | unknown)].copy()
    found["coverage"] = by_address[found.index].map(
        {True: "address in a discovery run's targets", False: "no address on record"}
    )
    return _evidence(found, ["name", "class", "serial_number", "hostname", "coverage"])


def unregistered(frames: Frames) -> pd.DataFrame:
    """Observed by discovery, never reported by the register (register-listed classes)."""
    d = frames.devices
    found = d[d["discovered"] & ~d["registered"] & d["class"].isin(REGISTERED_CLASSES)]
    return _evidence(found, ["name", "class", "serial_number", "hostname", "last_discovered"])


def duplicates(frames: Frames) -> pd.DataFrame:
    """One serial number on several CIs: a finding on each, naming the others."""
    d = frames.devices.dropna(subset=["serial_number"])
    d = d[d["serial_number"].astype(str).str.len() > 0]
    d = d[d["serial_number"].duplicated(keep=False)]  # grouped: the few shared ones only
    shared = d.groupby("serial_number")["uid"].agg(sorted).rename("uids").reset_index()
    found = d.merge(shared, on="serial_number")
    return _evidence(found, ["name", "class", "serial_number", "uids"])


def conflicts(frames: Frames) -> pd.DataFrame:
    """An open identification conflict: a finding on each CI it names (the conflict's key,
    the CIs, the one chosen, the identifiers)."""
    c = frames.conflicts.rename(columns={"key": "conflict", "class": "conflict_class"})
    c = c.assign(uid=c["uids"]).explode("uid").dropna(subset=["uid"])
    return _evidence(c, ["conflict", "conflict_class", "uids", "chosen", "identifiers"])


def duplicate_rows(register: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """One serial number on several register rows: a finding on the CI it names, with the
    rows (the importer refused all but the first)."""
    reg = register.dropna(subset=["serial"])
    reg = reg[reg["serial"].duplicated(keep=False)]  # grouped: the few shared ones only
    rows = reg.groupby("serial")["row"].agg(lambda s: sorted(int(r) for r in s))
    shared = rows.rename("register_rows").reset_index()
    found = frames.devices.merge(shared, left_on="serial_number", right_on="serial")
    return _evidence(found, ["name", "class", "serial_number", "register_rows"])


def unpatched_ports(frames: Frames) -> pd.DataFrame:
    """Switch ports up with something connected and no information point patched to them."""
    p = frames.ports
    return _evidence(p[~p["patched"].astype(bool)], ["name", "device"])


def unplaced_points(frames: Frames) -> pd.DataFrame:
    """Information points whose port is unknown (none on record: pending or never named)
    or down."""
    p = frames.points.copy()
    p["problem"] = None
    p.loc[p["oper_status"] == "down", "problem"] = "port down"
    p.loc[p["port_uid"].isna(), "problem"] = "port unknown (pending or not named)"
    return _evidence(p[p["problem"].notna()], ["point_id", "port", "oper_status", "problem"])


def match_register(register: pd.DataFrame, devices: pd.DataFrame) -> pd.DataFrame:
    """Each register row (its columns prefixed `reg_`) with the CI it names: by serial
    number, else by host name, else by name (a row whose serial is wrong finds its CI)."""
    d = devices.drop(columns=["prov"])
    rest = register.add_prefix("reg_")
    out = []
    for left, right in (("serial", "serial_number"), ("hostname", "hostname"), ("name", "name")):
        keyed = d.dropna(subset=[right]).drop_duplicates(right)
        hit = rest.dropna(subset=[f"reg_{left}"]).merge(keyed, left_on=f"reg_{left}",
                                                        right_on=right)  # fmt: skip
        out.append(hit)
        rest = rest[~rest["reg_row"].isin(hit["reg_row"])]
    return pd.concat(out, ignore_index=True)


def drift(register: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """A field whose register value differs from the CI's: one finding per CI naming every
    field that differs, with both values and both sources (the CI's value's source: the
    link's for a place, owner or department, the attribute's owner in `_prov` for the others)."""
    d = frames.devices
    matched = match_register(register, d)
    prov = matched["uid"].map(d.set_index("uid")["prov"])
    parts = []
    for field, col in DRIFT_FIELDS.items():
        reg, cur = matched[f"reg_{field}"], matched[col]
        differs = reg.notna() & cur.notna() & (reg.astype(str) != cur.astype(str))
        if not differs.any():
            continue
        rows = matched[differs]
        if f"{col}_source" in rows:
            source = rows[f"{col}_source"]
        else:
            source = prov[differs].map(lambda p, c=col: p.get(c))
        parts.append(
            pd.DataFrame(
                {
                    "uid": rows["uid"],
                    "field": field,
                    "row": rows["reg_row"],
                    "register": reg[differs].astype(str),
                    "current": cur[differs].astype(str),
                    "source": source,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=EVIDENCE)
    fields = pd.concat(parts, ignore_index=True).sort_values("uid", kind="stable")
    return pd.DataFrame(list(_drift_evidence(fields).items()), columns=EVIDENCE)


def _drift_evidence(fields: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """uid -> its evidence, from the differing fields (one pass over the differences: a
    groupby.apply called Python once per CI: 44 s for 98k drifted CIs, 3.7 s now)."""
    source = fields["source"].astype(object).where(fields["source"].notna(), None)
    evidence: dict[str, dict[str, Any]] = {}
    for uid, row, f, r, c, s in zip(fields["uid"], fields["row"], fields["field"],
                                    fields["register"], fields["current"], source,
                                    strict=True):  # fmt: skip
        one = evidence.setdefault(uid, {"register_row": int(row), "fields": {}})
        one["fields"][f] = {"register": r, "register_source": "register", "current": c,
                            "current_source": None if s is None else str(s)}  # fmt: skip
    return evidence
