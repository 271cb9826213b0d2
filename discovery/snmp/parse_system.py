"""SNMPv2-MIB system group -> SystemInfo. Pure."""

from __future__ import annotations

from discovery.snmp import oids
from discovery.snmp.decode import as_int, as_text, scalar
from discovery.snmp.records import SystemInfo, Varbinds


def parse_system(varbinds: Varbinds) -> SystemInfo:
    object_id = scalar(varbinds, oids.SYS_OBJECT_ID)
    return SystemInfo(
        descr=as_text(scalar(varbinds, oids.SYS_DESCR)),
        object_id=object_id.lstrip(".") if isinstance(object_id, str) else None,
        name=as_text(scalar(varbinds, oids.SYS_NAME)),
        contact=as_text(scalar(varbinds, oids.SYS_CONTACT)),
        location=as_text(scalar(varbinds, oids.SYS_LOCATION)),
        uptime_ticks=as_int(scalar(varbinds, oids.SYS_UPTIME)),
    )
