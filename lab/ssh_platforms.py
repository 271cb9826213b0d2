"""How each simulated network OS behaves at the prompt, and which recordings it plays.

Pure: a `Shell` turns one typed line into the text to send back. The recordings are
`<cli>/<platform>/<command>/*.raw`; a folder name's `_` are spaces
(`show_ip_interface_brief` -> "show ip interface brief").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.errors import RecordingError

PLATFORMS = ("cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos", "huawei_vrp",
             "hp_comware", "cisco_asa", "ruijie_os")  # fmt: skip
# The configuration line that names a Huawei/H3C device: answered from its host name.
SYSNAME = "display current-configuration | include sysname"
# The configuration line that names a Ruijie device: answered from its host name.
RUIJIE_HOSTNAME = "show running-config | include hostname"
EXIT_COMMANDS = frozenset({"exit", "quit", "logout"})


@dataclass(frozen=True)
class Platform:
    name: str
    prompt: Callable[[str, str], str]  # (hostname, username) -> prompt
    session_replies: dict[str, str]  # session set-up commands netmiko sends; {hostname}
    error: Callable[[str, str], str]  # (prompt, line) -> error text
    hostname_patterns: tuple[str, ...]  # where show version / show hostname name it


def _caret(prompt: str, text: str) -> str:
    return " " * (len(prompt) + len(text.split(" ")[0])) + "^\n"


_VRP_SCREEN_LENGTH = (
    "Info: The configuration takes effect on the current user terminal interface only.\n"
)
_COMWARE_SCREEN_LENGTH = "% Screen-length configuration is disabled for current user.\n"

PLATFORM_TABLE: dict[str, Platform] = {
    "cisco_ios": Platform(
        "cisco_ios",
        lambda host, _user: f"{host}#",
        {"terminal width 511": "", "terminal length 0": "", "terminal no width": ""},
        lambda prompt, line: _caret(prompt, line) + "% Invalid input detected at '^' marker.\n",
        (r"^(\S+) uptime is",),
    ),
    "cisco_nxos": Platform(
        "cisco_nxos",
        lambda host, _user: f"{host}#",
        {"terminal width 511": "", "terminal length 0": ""},
        lambda prompt, line: _caret(prompt, line) + "% Invalid command at '^' marker.\n",
        (r"Device name:\s*(\S+)",),
    ),
    "arista_eos": Platform(
        "arista_eos",
        lambda host, _user: f"{host}#",
        {
            "terminal width 511": "Width set to 511 columns.\n",
            "terminal length 0": "Pagination disabled.\n",
        },
        lambda _prompt, _line: "% Invalid input\n",
        (r"Hostname:\s*(\S+)",),
    ),
    "juniper_junos": Platform(
        "juniper_junos",
        lambda host, user: f"{user}@{host}> ",
        {
            "set cli screen-width 511": "Screen width set to 511\n",
            "set cli complete-on-space off": "Disabling complete-on-space\n",
            "set cli screen-length 0": "Screen length set to 0\n",
        },
        lambda prompt, line: _caret(prompt, line) + "unknown command.\n",
        (r"Hostname:\s*(\S+)",),
    ),
    "huawei_vrp": Platform(
        "huawei_vrp",
        lambda host, _user: f"<{host}>",
        {
            "screen-length 0 temporary": _VRP_SCREEN_LENGTH,
            SYSNAME: "sysname {hostname}\n",
        },
        lambda prompt, line: (
            _caret(prompt, line) + "Error: Unrecognized command found at '^' position.\n"
        ),
        (),
    ),
    "hp_comware": Platform(
        "hp_comware",
        lambda host, _user: f"<{host}>",
        {
            "screen-length disable": _COMWARE_SCREEN_LENGTH,
            SYSNAME: " sysname {hostname}\n",
        },
        lambda prompt, line: (
            _caret(prompt, line) + " % Unrecognized command found at '^' position.\n"
        ),
        (),
    ),
    "cisco_asa": Platform(
        "cisco_asa",
        lambda host, _user: f"{host}#",
        {
            "show curpriv": "Username : enable_15\nCurrent privilege level : 15\n"
            "Current Mode/s : P_PRIV\n",
            "login": "",
            "terminal pager 0": "",
        },
        lambda prompt, line: (
            _caret(prompt, line) + "ERROR: % Invalid input detected at '^' marker.\n"
        ),
        (r"^(\S+) up \d+",),
    ),
    "ruijie_os": Platform(
        "ruijie_os",
        lambda host, _user: f"{host}#",
        {
            "terminal width 256": "",
            "terminal length 0": "",
            RUIJIE_HOSTNAME: "hostname {hostname}\n",
        },
        lambda prompt, line: _caret(prompt, line) + "% Invalid input detected at '^' marker.\n",
        (),
    ),
}


def command_name(folder: str) -> str:
    """`show_ip_interface_brief` -> `show ip interface brief` (dashes stay)."""
    return folder.replace("_", " ")


def normalise_command(line: str) -> str:
    return " ".join(line.split())


def catalog(cli_dir: Path, platform: str) -> dict[str, list[Path]]:
    """Command -> the recorded outputs for it, sorted by file name."""
    root = cli_dir / platform
    if not root.is_dir():
        raise RecordingError(f"{root}: no CLI recordings for platform {platform}")
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        raws = sorted(folder.glob("*.raw"))
        if raws:
            out[command_name(folder.name)] = raws
    return out


def recorded_platforms(cli_dir: Path) -> tuple[list[str], list[str]]:
    """The platform folders under `cli_dir`: those the lab simulates (in PLATFORMS order),
    and the others (recordings of a platform without a simulator yet), sorted."""
    folders = {p.name for p in cli_dir.iterdir() if p.is_dir()}
    return [p for p in PLATFORMS if p in folders], sorted(folders - set(PLATFORMS))


def pick(recordings: dict[str, list[Path]], device_index: int) -> dict[str, Path]:
    """One recording per command for the n-th device of a platform."""
    return {cmd: raws[device_index % len(raws)] for cmd, raws in recordings.items()}


def parse_hostname(platform: str, outputs: dict[str, str]) -> str | None:
    """The hostname the device's own recorded output gives, if any."""
    for command in ("show hostname", "show version"):
        text = outputs.get(command, "")
        for pattern in PLATFORM_TABLE[platform].hostname_patterns:
            match = re.search(pattern, text, re.MULTILINE)
            if match:
                return match.group(1)
    return None


@dataclass
class Shell:
    """One interactive session's command interpreter."""

    platform: Platform
    hostname: str
    username: str
    outputs: dict[str, str]  # command -> verbatim recorded output

    @property
    def prompt(self) -> str:
        return self.platform.prompt(self.hostname, self.username)

    def answer(self, line: str) -> str | None:
        """The reply to one line (without the prompt); None ends the session."""
        command = normalise_command(line)
        if not command:
            return ""
        if command in EXIT_COMMANDS:
            return None
        if command in self.platform.session_replies:
            return self.platform.session_replies[command].format(hostname=self.hostname)
        if command in self.outputs:
            text = self.outputs[command]
            return text if text.endswith("\n") else text + "\n"
        return self.platform.error(self.prompt, line)
