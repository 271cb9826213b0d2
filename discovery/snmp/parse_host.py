"""HOST-RESOURCES-MIB -> HostResources. Pure."""

from __future__ import annotations

from discovery.snmp import oids
from discovery.snmp.decode import as_int, as_octets, as_text, date_and_time, scalar, table
from discovery.snmp.records import (
    HostResources,
    HrProcess,
    HrSoftwareInstalled,
    HrStorage,
    Value,
    Varbinds,
)

# hrStorageTypes arcs under 1.3.6.1.2.1.25.2.1
STORAGE_TYPES = {
    1: "hrStorageOther",
    2: "hrStorageRam",
    3: "hrStorageVirtualMemory",
    4: "hrStorageFixedDisk",
    5: "hrStorageRemovableDisk",
    6: "hrStorageFloppyDisk",
    7: "hrStorageCompactDisc",
    8: "hrStorageRamDisk",
    9: "hrStorageFlashMemory",
    10: "hrStorageNetworkDisk",
}


def _storage_type(value: Value | None) -> str | None:
    if not isinstance(value, str):
        return None
    prefix = oids.HR_STORAGE_TYPES + "."
    if value.startswith(prefix) and value[len(prefix) :].isdigit():
        return STORAGE_TYPES.get(int(value[len(prefix) :]), value)
    return value


def parse_storage(varbinds: Varbinds) -> tuple[HrStorage, ...]:
    rows = table(varbinds, oids.HR_STORAGE_ENTRY)
    return tuple(
        HrStorage(
            index=index[0],
            storage_type=_storage_type(row.get(2)),
            descr=as_text(row.get(3)),
            allocation_units=as_int(row.get(4)),
            size_units=as_int(row.get(5)),
            used_units=as_int(row.get(6)),
        )
        for index, row in sorted(rows.items())
        if len(index) == 1
    )


def parse_software_installed(varbinds: Varbinds) -> tuple[HrSoftwareInstalled, ...]:
    out: list[HrSoftwareInstalled] = []
    for index, row in sorted(table(varbinds, oids.HR_SW_INSTALLED_ENTRY).items()):
        name = as_text(row.get(2))
        if len(index) == 1 and name:
            out.append(HrSoftwareInstalled(index[0], name, date_and_time(as_octets(row.get(5)))))
    return tuple(out)


def parse_processes(varbinds: Varbinds) -> tuple[HrProcess, ...]:
    out: list[HrProcess] = []
    for index, row in sorted(table(varbinds, oids.HR_SW_RUN_ENTRY).items()):
        name = as_text(row.get(2))
        if len(index) == 1 and name is not None:
            out.append(
                HrProcess(index[0], name, as_text(row.get(4)) or None, as_text(row.get(5)) or None)
            )
    return tuple(out)


def parse_host_resources(varbinds: Varbinds) -> HostResources:
    return HostResources(
        memory_kib=as_int(scalar(varbinds, oids.HR_MEMORY_SIZE)),
        processor_count=len(table(varbinds, oids.HR_PROCESSOR_ENTRY)),
        storage=parse_storage(varbinds),
        software=parse_software_installed(varbinds),
        processes=parse_processes(varbinds),
        device_count=len(table(varbinds, oids.HR_DEVICE_ENTRY)),
    )
