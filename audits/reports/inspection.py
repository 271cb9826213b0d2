"""The inspection report (巡检报告): every live server, virtual machine, network device
and peripheral with when discovery last saw it, its OS and firmware, warranty and support
contract, interfaces up and down, what the period's discovery runs could not collect from
its management address, CPUs and memory; and the devices needing action (not seen
recently, warranty or support expired, serious findings open, interfaces down, something
not collected). Read in uid pages (cmdb/queries/reports.py), judged column by column."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from audits.reports.model import Chart, Note, Section
from audits.reports.period import Period
from cmdb.config import Config
from cmdb.queries import reports as q
from cmdb.queryplan import Plan, Query
from cmdb.schema import Schema

PAGE = 5000
HTML_DEVICES = 2000  # devices given a section of their own in HTML (all are in "devices")
RUNS = 500  # discovery runs of the period read at most, newest first
CLASSES = ("Server", "VirtualMachine", "NetworkDevice", "Peripheral")
STATUSES = ["active", "absent"]
LIVE = ["planned", "active", "absent"]
UNRESOLVED = ["open", "acknowledged"]
SERIOUS = ["critical", "major"]
UP, DOWN = ["up"], ["down", "lowerLayerDown"]
REASONS = ("not_seen", "warranty_expired", "support_expired", "no_support", "serious",
           "interfaces_down", "not_collected")  # fmt: skip
DEVICE_COLUMNS = ["device", "class", "uid", "status", "management_ip", "vendor", "model",
                  "serial_number", "last_seen", "days_unseen", "uptime", "os", "firmware",
                  "warranty_end", "warranty_status", "support_end", "support_status",
                  "interfaces_up", "interfaces_down", "not_collected", "cpu_count",
                  "memory_gb", "disk_use", "findings", "serious"]  # fmt: skip


def inspection_sections(
    schema: Schema, config: Config, period: Period, now: datetime
) -> Plan[tuple[Section, ...]]:
    labels = [c for c in CLASSES if c in schema.classes]
    rows: list[dict[str, Any]] = []
    after = ""
    params = {"statuses": STATUSES, "live": LIVE, "up": UP, "down": DOWN,
              "unresolved": UNRESOLVED, "serious": SERIOUS, "limit": PAGE}  # fmt: skip
    while True:
        page = yield Query(q.devices_page(labels), {**params, "after": after})
        rows += page
        if len(page) < PAGE:
            break
        after = page[-1]["uid"]
    runs = yield Query(q.RUNS_IN_PERIOD, {"since": period.start, "until": period.end,
                                          "limit": RUNS})  # fmt: skip
    raw = pd.DataFrame(rows, columns=[*_RAW])
    devices = _devices(raw, _not_collected(runs), now, config.audits.stale_after)
    devices["uptime"] = devices["management_ip"].map(_uptimes(runs))
    action = _needing_action(devices)
    devices = devices.drop(columns="stale")
    counts = action["reasons"].str.split("; ").explode().value_counts()
    chart = Chart(
        "bars", tuple(counts.index.astype(str)), (("count", tuple(counts.astype(float))),)
    )
    shown = min(len(devices), HTML_DEVICES)
    notes = [Note("not_recorded")]
    if len(devices) > shown:
        notes.append(Note("truncated", (("n", shown), ("total", len(devices)))))
    return (
        Section("needing_action", action, chart=chart),
        Section("devices", devices, notes=tuple(notes), per_row=shown, label="device"),
    )


_RAW = ("uid", "class", "name", "status", "management_ip", "vendor", "model", "serial_number",
        "os_name", "os_version", "firmware", "warranty_end", "cpu_count", "memory_bytes",
        "last_seen", "interfaces_up", "interfaces_down", "contracts", "open_ended",
        "support_end", "findings", "serious")  # fmt: skip


def _devices(raw: pd.DataFrame, missed: pd.Series, now: datetime, stale: timedelta) -> pd.DataFrame:
    today = pd.Timestamp(now.date())
    d = pd.DataFrame({"device": raw["name"].fillna(raw["uid"]), "class": raw["class"],
                      "uid": raw["uid"], "status": raw["status"],
                      "management_ip": raw["management_ip"], "vendor": raw["vendor"],
                      "model": raw["model"], "serial_number": raw["serial_number"]})  # fmt: skip
    seen = pd.to_datetime(raw["last_seen"], unit="ms", utc=True)
    d["last_seen"] = seen
    d["days_unseen"] = (pd.Timestamp(now) - seen).dt.days
    d["uptime"] = None
    d["os"] = (raw["os_name"].fillna("") + " " + raw["os_version"].fillna("")).str.strip()
    d["firmware"] = raw["firmware"]
    warranty = pd.to_datetime(raw["warranty_end"], errors="coerce")
    d["warranty_end"] = raw["warranty_end"]
    d["warranty_status"] = _expiry(warranty, today, warranty.isna())
    support = pd.to_datetime(raw["support_end"], errors="coerce")
    d["support_end"] = raw["support_end"]
    open_ended = raw["open_ended"].fillna(0).astype("int64") > 0
    status = _expiry(support, today, raw["contracts"].fillna(0).astype("int64") == 0)
    d["support_status"] = status.where(~open_ended, "valid")
    d["interfaces_up"] = raw["interfaces_up"].astype("int64")
    d["interfaces_down"] = raw["interfaces_down"].astype("int64")
    d["not_collected"] = raw["management_ip"].map(missed)
    d["cpu_count"] = raw["cpu_count"]
    d["memory_gb"] = (pd.to_numeric(raw["memory_bytes"]) / 2**30).round(1)
    d["disk_use"] = None
    d["findings"] = raw["findings"].astype("int64")
    d["serious"] = raw["serious"].astype("int64")
    d["stale"] = seen.isna() | (pd.Timestamp(now) - seen > stale)
    d = d.sort_values(["class", "device", "uid"], kind="stable").reset_index(drop=True)
    return d[[*DEVICE_COLUMNS, "stale"]]


def _expiry(end: pd.Series, today: pd.Timestamp, none: pd.Series) -> pd.Series:
    """valid, expiring (within 30 days), expired or none, per device."""
    out = pd.Series("valid", index=end.index, dtype=object)
    out[end < today + pd.Timedelta(days=30)] = "expiring"
    out[end < today] = "expired"
    out[none] = "none"
    return out


def _needing_action(d: pd.DataFrame) -> pd.DataFrame:
    """The devices with a reason to act, the reasons joined."""
    flags = pd.DataFrame({
        "not_seen": d["stale"], "warranty_expired": d["warranty_status"] == "expired",
        "support_expired": d["support_status"] == "expired",
        "no_support": d["support_status"] == "none", "serious": d["serious"] > 0,
        "interfaces_down": d["interfaces_down"] > 0, "not_collected": d["not_collected"].notna(),
    })  # fmt: skip
    joined = pd.Series("", index=d.index, dtype=object)
    for reason in REASONS:  # a column at a time
        joined = joined + flags[reason].map({True: f"{reason}; ", False: ""})
    keep = flags.any(axis=1)
    out = d.loc[keep, ["device", "class", "uid", "management_ip", "last_seen"]].copy()
    out["reasons"] = joined[keep].str.removesuffix("; ")
    return out.reset_index(drop=True)


def _not_collected(runs: list[dict[str, Any]]) -> pd.Series:
    """Management address -> what the newest run of the period that covered it could
    not collect ('ssh: timeout; snmp.lldp: failed'), for those where something failed."""
    missed: dict[str, str] = {}
    covered: set[str] = set()
    for run in runs:  # newest first: the first run naming a target decides for it
        for target, protocols in json.loads(run["coverage"] or "{}").items():
            if target in covered:
                continue
            covered.add(target)
            # a port nobody listens on (refused) where another protocol answered is a
            # device without that service, not a gap in what discovery collected
            answered = any(c.get("status") == "answered" for c in protocols.values())
            parts = [_missed(protocol, c) for protocol, c in sorted(protocols.items())
                     if not (answered and c.get("kind") == "refused")]  # fmt: skip
            if text := "; ".join(p for p in parts if p):
                missed[target] = text
    return pd.Series(missed, dtype=object)


def _uptimes(runs: list[dict[str, Any]]) -> pd.Series:
    """Management address -> the device's uptime in days (one decimal) as the newest run
    of the period that read one said it (the runs record it per target: a CI keeps no
    uptime, which would make a version of every sighting)."""
    days: dict[str, float] = {}
    for run in runs:  # newest first: the first run that read a target's uptime decides
        for target, protocols in json.loads(run["coverage"] or "{}").items():
            said = [c["uptime_seconds"] for c in protocols.values()
                    if isinstance(c, dict) and c.get("uptime_seconds") is not None]  # fmt: skip
            if said and target not in days:
                days[target] = round(max(said) / 86_400, 1)
    return pd.Series(days, dtype="float64")


def _missed(protocol: str, coverage: dict[str, Any]) -> str:
    if coverage.get("status") not in (None, "ok", "answered"):
        return f"{protocol}: {coverage.get('kind') or coverage.get('status')}"
    tables = coverage.get("tables") or {}
    fine = ("ok", "empty", "skipped")
    bad = [f"{protocol}.{t}: {s}" for t, s in sorted(tables.items()) if s not in fine]
    return "; ".join(bad)
