"""The pure half of the platform probe: which questions a prompt calls for, and the
verdict from the prompt and the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.probe import SHOW_VERSION, UNAME, platform_from_probe, probe_commands

NTC = Path(__file__).parent / "fixtures" / "ntc"
VERSIONS = sorted(NTC.glob("*/show_version/*.raw"))
UNAME_LINUX = "uname -a\nLinux lab-srv-01 6.1.0-18-amd64 #1 SMP Debian x86_64 GNU/Linux\n$ "
PROMPTS = {"cisco_ios": "core-sw1#", "cisco_nxos": "n3k-1#", "arista_eos": "leaf1>",
           "juniper_junos": "admin@mx1>"}  # fmt: skip


@pytest.mark.parametrize(
    ("prompt", "commands"),
    [
        ("labops@lab-srv-01:~$", (UNAME,)),
        ("admin@mx1>", (SHOW_VERSION,)),
        ("core-sw1#", (SHOW_VERSION,)),
        ("", (SHOW_VERSION, UNAME)),  # nothing to go by: the CLI question first
    ],
)
def test_the_prompt_picks_the_questions(prompt: str, commands: tuple[str, ...]) -> None:
    assert probe_commands(prompt) == commands


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_every_recorded_show_version_behind_its_prompt(path: Path) -> None:
    platform = path.parent.parent.name
    answer = {SHOW_VERSION: path.read_text()}
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
