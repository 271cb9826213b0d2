"""isolated_config: the embedded lab on blocks of its own, still validated as a file is."""

from __future__ import annotations

import pytest

from lab.config import isolated_config, load_config
from lab.errors import LabConfigError


def test_prefix_and_blocks_are_replaced_the_rest_kept() -> None:
    config = isolated_config("cmdbiso", "127.99.0.0/16", "127.98.0.0/16", "198.19.9.0/24",
                             hosts=("iso-srv-01",))
    base = load_config()
    assert (config.prefix, config.snmp.block, config.ssh.block) == (
        "cmdbiso", "127.99.0.0/16", "127.98.0.0/16")
    assert (config.netns.block, config.netns.hosts) == ("198.19.9.0/24", ["iso-srv-01"])
    assert config.snmp.communities == base.snmp.communities
    assert config.ssh.users == base.ssh.users


@pytest.mark.parametrize(("snmp", "netns", "culprit"), [
    ("10.20.0.0/16", "198.19.9.0/24", "10.20.0.0/16: simulated devices must live inside 127"),
    ("127.99.0.0/16", "192.168.1.0/24", "192.168.1.0/24: namespace hosts must live inside"),
])  # fmt: skip
def test_blocks_off_the_lab_are_refused(snmp: str, netns: str, culprit: str) -> None:
    with pytest.raises(LabConfigError, match="cmdbiso") as caught:
        isolated_config("cmdbiso", snmp, "127.98.0.0/16", netns)
    assert culprit in str(caught.value)
