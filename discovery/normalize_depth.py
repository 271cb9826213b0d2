"""Hardware components and link aggregation -> CI and link facts. Pure.

- Components (`facts.components`): a component with a serial number of its own is a
  ``SerializedComponent``, one CI wherever it is (a module moved to another chassis, an
  RMA part fitted again), hung from the device by HAS_COMPONENT; one without (a slot, a
  fan, a container) is a ``LocalComponent`` identified by its name within the device (a
  name told twice in the device gets its index: ``Fan [12]``). A serial told by two
  components of one device identifies neither (a vendor repeating the chassis serial).
  CONTAINS follows `contained_in`; a port entity is no CI but its interface: the
  component holding it, and a transceiver plugged into it, CARRIES that Interface.
- LAGs (`facts.lags`): LAG_MEMBER_OF from each member port to its aggregate, with the
  protocol and whether the member is bundled now, when the source tells; a port named
  but missing from the interfaces is referred to by its name on the device (pending).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from cmdb.observations import Value
from discovery.facts import ComponentFacts, DeviceFacts
from discovery.normalize_build import (
    DEVICE_KEY,
    ChangeSetBuilder,
    IsJunk,
    bounded_key,
    local,
    present,
)
from discovery.normalize_rows import PortKeys

PORT_KIND = "port"
_MAX_DEPTH = 32  # containment deeper than this is a loop in the source's table


def add_components(out: ChangeSetBuilder, facts: DeviceFacts, keys: PortKeys, is_junk: IsJunk
                   ) -> None:  # fmt: skip
    rows = {c.index: c for c in facts.components}
    serials = Counter(c.serial for c in rows.values() if c.serial and not is_junk(c.serial))
    names = Counter(component_name(c) for c in rows.values() if c.kind != PORT_KIND)
    ci_keys: dict[str, str] = {}
    for row in rows.values():
        if row.kind == PORT_KIND:
            continue
        key = bounded_key("hw:", row.index)
        attrs = present(component_attributes(row), is_junk, ("serial_number", "name"))
        if row.serial and not is_junk(row.serial) and serials[row.serial] == 1:
            out.ci(key, "SerializedComponent", attrs)
            out.link("HAS_COMPONENT", local(DEVICE_KEY), local(key))
        else:
            attrs.pop("serial_number", None)  # told elsewhere in the device: no identity
            name = component_name(row)
            attrs["name"] = name if names[name] == 1 else f"{name} [{row.index}]"
            out.ci(key, "LocalComponent", attrs, parent=DEVICE_KEY)
        ci_keys[row.index] = key
    for row in rows.values():
        _add_containment(out, row, rows, ci_keys, keys)


def component_name(row: ComponentFacts) -> str:
    """What the source called it, else its description, else its kind and index."""
    return row.name or row.description or f"{row.kind} {row.index}"


def component_attributes(row: ComponentFacts) -> dict[str, Value | None]:
    return {
        "name": component_name(row),
        "description": row.description,
        "component_kind": row.kind,
        "component_index": row.index,
        "serial_number": row.serial,
        "vendor": row.vendor,
        "model": row.model,
        "hardware_rev": row.hardware_rev,
        "firmware_rev": row.firmware_rev,
        "software_rev": row.software_rev,
        "position": row.position,
        "field_replaceable": row.field_replaceable,
    }


def _add_containment(out: ChangeSetBuilder, row: ComponentFacts,
                     rows: Mapping[str, ComponentFacts], ci_keys: Mapping[str, str],
                     keys: PortKeys) -> None:  # fmt: skip
    """CONTAINS from the nearest component CI holding `row` (through port entities);
    CARRIES to the interface `row` is (a port entity: from its holder) or is plugged in."""
    holder = _holder(row, rows, ci_keys)
    own = ci_keys.get(row.index)
    if own is None:  # a port entity: its holder carries the interface
        port_key = keys.key_of(row.port)
        if holder is not None and port_key is not None:
            out.link("CARRIES", local(holder), local(port_key))
        return
    if holder is not None and holder != own:
        out.link("CONTAINS", local(holder), local(own))
    parent = rows.get(row.contained_in or "")
    port = row.port if row.port is not None else (
        parent.port if parent is not None and parent.kind == PORT_KIND else None)  # fmt: skip
    port_key = keys.key_of(port)
    if port_key is not None:
        out.link("CARRIES", local(own), local(port_key))


def _holder(row: ComponentFacts, rows: Mapping[str, ComponentFacts],
            ci_keys: Mapping[str, str]) -> str | None:  # fmt: skip
    """The key of the nearest component CI above `row`, skipping port entities."""
    index = row.contained_in
    for _ in range(_MAX_DEPTH):
        if index is None or index == row.index:
            return None
        if index in ci_keys:
            return ci_keys[index]
        parent = rows.get(index)
        if parent is None:
            return None
        index = parent.contained_in
    return None


def add_lags(out: ChangeSetBuilder, facts: DeviceFacts, keys: PortKeys) -> None:
    for row in facts.lags:
        lag, member = keys.ref_of(row.lag), keys.ref_of(row.member)
        if lag is None or member is None or lag == member:
            continue
        out.link("LAG_MEMBER_OF", member, lag,
                 attributes={"protocol": row.protocol, "active": row.active})  # fmt: skip
