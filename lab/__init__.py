"""The device lab: simulated SNMP and SSH devices and namespace Linux hosts.

    manifest = lab.up(LabOptions(state_dir=...))   # idempotent
    lab.status(state_dir); lab.down(state_dir)
"""

from lab.config import LabConfig, LabOptions, load_config
from lab.control import LabStatus, down, status, up
from lab.manifest import LabDevice, Manifest

__all__ = ["LabConfig", "LabDevice", "LabOptions", "LabStatus", "Manifest", "down",
           "load_config", "status", "up"]
