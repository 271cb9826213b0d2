from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.detect import candidates_from_prompt, detect_from_show_version, detect_from_uname

NTC = Path(__file__).parent / "fixtures" / "ntc"
VERSIONS = sorted(NTC.glob("*/show_version/*.raw"))


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: p.stem)
def test_every_recorded_show_version_is_detected_as_its_platform(path: Path) -> None:
    assert detect_from_show_version(path.read_text()) == path.parent.parent.name


def test_unknown_banner_and_uname() -> None:
    assert detect_from_show_version("RouterOS 7.12 (stable)\n") is None
    uname = "Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
    assert detect_from_uname(uname) == "linux"
    assert detect_from_uname("FreeBSD fw1 14.0-RELEASE amd64\n") is None


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("admin@mx240-lab>", ("juniper_junos",)),
        ("root@vm:~#", ("linux",)),
        ("[ops@web01 ~]$", ("linux",)),
        ("core-sw1#", ("cisco_ios", "cisco_nxos", "arista_eos")),
        ("", ()),
    ],
)
def test_prompt_hints(prompt: str, expected: tuple[str, ...]) -> None:
    assert candidates_from_prompt(prompt) == expected
