"""One SSH target's parsed records -> a ChangeSet. Pure.

    cs = normalize_ssh(parse_collected(result), target=str(result.target),
                       observed_at=now, run_id=run.id,
                       failed_commands=result.command_failures)

The change set is scoped ``ssh:<target>``: it holds everything SSH saw on the target,
so the ingest may close what it no longer reports, but only within what the commands
that answered certify (`normalize_coverage`). The mapping itself lives in
`normalize_network` (cisco_ios, cisco_nxos, arista_eos, juniper_junos) and
`normalize_linux`; keys and shared pieces in `normalize_facts`. Attributes are emitted
only when the target gave a value, identifier junk (`Schema.is_junk`) never.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache

from cmdb.observations import ChangeSet, Value
from cmdb.schema import Schema, load_schema
from discovery.ssh import normalize_linux, normalize_network
from discovery.ssh.errors import NormalizeError
from discovery.ssh.normalize_coverage import LINUX, NETWORK, Feeds, certify
from discovery.ssh.normalize_facts import DEVICE_KEY, Facts, present
from discovery.ssh.platforms.base import ParsedTarget

__all__ = ["ACTOR", "DEVICE_KEY", "NETWORK_PLATFORMS", "SOURCE", "normalize_ssh"]

SOURCE = "ssh"
ACTOR = "discovery"
NETWORK_PLATFORMS = frozenset({"cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos"})
_HOST_PORT = re.compile(r"^\[?(?P<host>[^\[\]]+?)\]?:\d+$")


@cache
def _default_schema() -> Schema:
    return load_schema()


def management_ip(target: str) -> str | None:
    """The address in a target ('10.0.0.1', '10.0.0.1:22', '[2001:db8::1]:22'); None
    for a host name (it is not an address)."""
    for text in (target, *(m.group("host") for m in [_HOST_PORT.match(target)] if m)):
        try:
            return ipaddress.ip_address(text).compressed
        except ValueError:
            continue
    return None


def normalize_ssh(
    parsed: ParsedTarget,
    *,
    target: str,
    observed_at: datetime,
    run_id: str | None = None,
    failed_commands: Iterable[str] = (),
    schema: Schema | None = None,
) -> ChangeSet:
    """The change set for one target.

    `failed_commands` are the keys of commands that gave no output
    (`CollectResult.command_failures`); commands whose output did not parse are read
    from `parsed.failures`. Either narrows what the change set certifies.
    Raises NormalizeError for a platform without a mapping, or when nothing identifies
    the device.
    """
    schema = schema or _default_schema()
    is_junk = schema.is_junk
    address = management_ip(target)
    facts = Facts()
    produces: Feeds
    if parsed.platform in NETWORK_PLATFORMS:
        cls, produces = normalize_network.CLASS, NETWORK
        attrs = normalize_network.device_attributes(parsed, address, is_junk)
        device = _identified(schema, cls, attrs, target)
        facts.ci(DEVICE_KEY, cls, device)
        hostname = device.get("hostname")
        domain = hostname if isinstance(hostname, str) else None
        normalize_network.add_network_facts(facts, parsed, domain, is_junk)
    elif parsed.platform == "linux":
        cls, produces = normalize_linux.host_class(parsed), LINUX
        attrs = normalize_linux.host_attributes(parsed, cls, address, is_junk)
        facts.ci(DEVICE_KEY, cls, _identified(schema, cls, attrs, target))
        normalize_linux.add_linux_facts(facts, parsed, is_junk)
    else:
        raise NormalizeError(target, f"no SSH normalizer for platform {parsed.platform!r}")
    certified = certify(cls, produces, [*parsed.failures, *failed_commands])
    return ChangeSet.model_validate({
        "source": SOURCE,
        "actor": ACTOR,
        "observed_at": observed_at,
        "discovery_run": run_id,
        "scope": f"ssh:{target}",
        "certified_classes": certified.classes,
        "certified_links": certified.links,
        "cis": list(facts.cis.values()),
        "links": list(facts.links.values()),
    })  # fmt: skip


def _identified(schema: Schema, cls: str, attrs: dict[str, Value], target: str
                ) -> dict[str, Value]:  # fmt: skip
    """The attributes with values, junk identifiers dropped; NormalizeError when no
    identification set of the class is complete."""
    ci_class = schema.classes[cls]
    kept = present(attrs, schema.is_junk, ci_class.identifier_attributes)
    if not any(all(name in kept for name in id_set) for id_set in ci_class.identification):
        sets = " or ".join("[" + ", ".join(s) + "]" for s in ci_class.identification)
        shown = {k: attrs.get(k) for k in sorted(ci_class.identifier_attributes)}
        raise NormalizeError(target, f"nothing identifies this {cls} (needs {sets}); got {shown}")
    return kept
