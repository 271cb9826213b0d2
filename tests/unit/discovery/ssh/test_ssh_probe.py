"""The pure half of the platform probe: which questions a prompt calls for, and the
verdict from the prompt and the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.probe import (
    DISPLAY_VERSION,
    PAGER,
    SHOW_VERSION,
    UNAME,
    platform_from_probe,
    probe_commands,
)

NTC = Path(__file__).parent / "fixtures" / "ntc"
VERSIONS = sorted([*NTC.glob("*/show_version/*.raw"), *NTC.glob("*/display_version/*.raw")])
UNAME_LINUX = "uname -a\nLinux lab-srv-01 6.1.0-18-amd64 #1 SMP Debian x86_64 GNU/Linux\n$ "
PROMPTS = {"cisco_ios": "core-sw1#", "cisco_nxos": "n3k-1#", "arista_eos": "leaf1>",
           "juniper_junos": "admin@mx1>", "cisco_asa": "asa1>", "huawei_vrp": "<HUAWEI>",
           "hp_comware": "<H3C>", "ruijie_os": "Ruijie#"}  # fmt: skip


@pytest.mark.parametrize(
    ("prompt", "commands"),
    [
        ("labops@lab-srv-01:~$", (UNAME,)),
        ("admin@mx1>", (SHOW_VERSION,)),
        ("core-sw1#", (SHOW_VERSION,)),
        ("<HUAWEI>", (DISPLAY_VERSION,)),
        ("[~HUAWEI]", (DISPLAY_VERSION,)),
        ("", (SHOW_VERSION, DISPLAY_VERSION, UNAME)),  # nothing to go by: the CLIs first
    ],
)
def test_the_prompt_picks_the_questions(prompt: str, commands: tuple[str, ...]) -> None:
    assert probe_commands(prompt) == commands


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_every_recorded_show_version_behind_its_prompt(path: Path) -> None:
    platform = path.parent.parent.name
    question = DISPLAY_VERSION if path.parent.name == "display_version" else SHOW_VERSION
    answer = {question: path.read_text()}
    assert platform_from_probe(PROMPTS[platform], answer) == platform
    assert platform_from_probe("", answer) == platform  # no prompt seen: the answer decides


def test_linux_from_uname_and_never_from_a_contradicting_prompt() -> None:
    assert platform_from_probe("labops@lab-srv-01:~$", {UNAME: UNAME_LINUX}) == "linux"
    # a shell that answered `show version` with an error, then uname
    answers = {SHOW_VERSION: "bash: show: command not found\n$ ", UNAME: UNAME_LINUX}
    assert platform_from_probe("", answers) == "linux"
    # a Junos prompt with a Linux uname: the two disagree, so the probe is unsure
    assert platform_from_probe("admin@mx1>", {UNAME: UNAME_LINUX}) is None


def test_unsure_means_none() -> None:
    assert platform_from_probe("rb1 >", {SHOW_VERSION: "RouterOS 7.12 (stable)\n"}) is None
    assert platform_from_probe("", {}) is None
    rejected = "% Invalid input detected at '^' marker.\ncore-sw1#"
    assert platform_from_probe("core-sw1#", {SHOW_VERSION: rejected}) is None


def test_a_huawei_prompt_never_takes_a_cisco_answer() -> None:
    asa = "Cisco Adaptive Security Appliance Software Version 9.5(2)204\n"
    assert platform_from_probe("<HUAWEI>", {SHOW_VERSION: asa}) is None
    assert platform_from_probe("asa1#", {SHOW_VERSION: asa}) == "cisco_asa"


@pytest.mark.parametrize(
    ("tail", "paged"),
    [
        (" --More-- ", True),  # Cisco, Ruijie
        ("  ---- More ----", True),  # Huawei, H3C
        ("<--- More --->", True),  # ASA
        ("core-sw1#", False),
        ("Documents: http://www.cisco.com/en/US/products/ps9372/more.html", False),
    ],
)
def test_the_pager_is_recognised_at_the_end_of_what_was_read(tail: str, paged: bool) -> None:
    assert bool(PAGER.search("Cisco Nexus ...\n" + tail)) is paged
