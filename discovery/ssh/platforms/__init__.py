"""The platform registry: one module per OS, looked up by name.

Adding a platform is adding a module with a `PLATFORM` and a line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from discovery.ssh.errors import UnknownPlatformError
from discovery.ssh.platforms import (
    arista_eos,
    cisco_asa,
    cisco_ios,
    cisco_nxos,
    hp_comware,
    huawei_vrp,
    juniper_junos,
    linux,
    ruijie_os,
)
from discovery.ssh.platforms.base import Command, ParsedTarget, Platform

PLATFORMS: Mapping[str, Platform] = MappingProxyType(
    {
        module.PLATFORM.name: module.PLATFORM
        for module in (
            cisco_ios,
            cisco_nxos,
            arista_eos,
            juniper_junos,
            linux,
            huawei_vrp,
            hp_comware,
            cisco_asa,
            ruijie_os,
        )
    }
)


def get_platform(name: str) -> Platform:
    """The platform called `name` (ours, which is also ntc-templates' and netmiko's)."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise UnknownPlatformError(name) from None


__all__ = ["PLATFORMS", "Command", "ParsedTarget", "Platform", "get_platform"]
