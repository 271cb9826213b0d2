"""Platform detection: one short SSH session that reads the prompt and asks what it is.

netmiko's SSHDetect tries vendor after vendor, each with fixed waits (1m54s on a
Nexus whose `show version` it could not place); every platform we parse names itself
in two lines: the prompt hints at the family, and `show version` (Cisco-like CLIs),
`display version` (Huawei VRP, H3C Comware) or `uname -a` (Unix shells) names it.

    probe_platform:  connect -> read the prompt -> ask 1-3 questions -> platform_from_probe

The questions and the verdict are pure (`probe_commands`, `platform_from_probe`, built
on detect.py's `detect_from_*`); only `probe_platform` does I/O (paramiko, an
interactive shell, short timeouts, a pager answered with a space). None means "not a
platform we parse": a few seconds at most, never a guess.
"""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Mapping

import paramiko
from paramiko.ssh_exception import NoValidConnectionsError

from discovery.ssh.detect import (
    VRP_LIKE,
    candidates_from_prompt,
    detect_from_show_version,
    detect_from_uname,
)
from discovery.ssh.errors import AuthFailed, ConnectFailed, ConnectTimeout
from discovery.ssh.platforms import PLATFORMS
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts

SHOW_VERSION = "show version"
DISPLAY_VERSION = "display version"
UNAME = "uname -a"
READ_SECONDS = 5.0  # at most, per answer
QUIET_SECONDS = 0.3  # a prompt followed by this much silence ends an answer
MAX_PAGES = 20  # a pager answered with a space at most this often per answer
_PROMPT_END = re.compile(r"[>#$%\]]\s*$")
# "--More--" (Cisco, Ruijie), "---- More ----" (Huawei, H3C), "<--- More --->" (ASA)
PAGER = re.compile(r"(--More--|-+ More -+>?)\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def probe_commands(prompt: str) -> tuple[str, ...]:
    """What to ask, in order: `uname -a` at a Unix prompt, `display version` at a
    Huawei/H3C one, `show version` at another CLI one; all three (CLIs first) when the
    prompt says nothing."""
    candidates = candidates_from_prompt(prompt)
    if candidates == ("linux",):
        return (UNAME,)
    if candidates == VRP_LIKE:
        return (DISPLAY_VERSION,)
    if candidates:
        return (SHOW_VERSION,)
    return (SHOW_VERSION, DISPLAY_VERSION, UNAME)


def platform_from_probe(prompt: str, answers: Mapping[str, str]) -> str | None:
    """The platform the answers name, if the prompt allows it and we can parse it."""
    candidates = candidates_from_prompt(prompt)
    for command, text in answers.items():
        found = detect_from_uname(text) if command == UNAME else detect_from_show_version(text)
        if found in PLATFORMS and (not candidates or found in candidates):
            return found
    return None


def probe_platform(
    target: SSHTarget, credentials: SSHCredentials, timeouts: SSHTimeouts
) -> str | None:
    """Open one session, read the prompt, ask `probe_commands`; None when no answer
    names a platform we parse (or the session broke after login).

    Raises AuthFailed, ConnectFailed or ConnectTimeout (discovery.ssh.errors) as the
    collector does.
    """
    client = paramiko.SSHClient()
    # Discovery trusts host keys on first use, as the netmiko collector does.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507
    try:
        _connect(client, target, credentials, timeouts)
        read_for = min(READ_SECONDS, timeouts.read)
        try:
            channel = client.invoke_shell(width=511, height=1000)
            prompt = _last_line(_read(channel, read_for))
            answers: dict[str, str] = {}
            for command in probe_commands(prompt):
                channel.send((command + "\n").encode())
                answers[command] = _read(channel, read_for)
                found = platform_from_probe(prompt, answers)
                if found is not None:
                    return found
        except (paramiko.SSHException, OSError, EOFError):
            return None  # the session broke after login
        return None
    finally:
        client.close()


def _connect(
    client: paramiko.SSHClient, target: SSHTarget, credentials: SSHCredentials,
    timeouts: SSHTimeouts,
) -> None:  # fmt: skip
    """Log in, with paramiko's errors mapped onto ours (no message, no chaining)."""
    where = str(target)
    try:
        client.connect(
            target.host, port=target.port, username=credentials.username,
            password=credentials.password,
            key_filename=str(credentials.key_file) if credentials.key_file else None,
            passphrase=credentials.passphrase, look_for_keys=False, allow_agent=False,
            timeout=timeouts.conn, banner_timeout=timeouts.banner, auth_timeout=timeouts.auth,
        )  # fmt: skip
    except paramiko.AuthenticationException:
        raise AuthFailed(where, "authentication failed") from None
    except TimeoutError:
        raise ConnectTimeout(where, f"no SSH session within {timeouts.conn:g}s") from None
    except NoValidConnectionsError as exc:  # paramiko's wrapper, one error per address
        codes = {getattr(e, "errno", None) for e in exc.errors.values()}
        reason = "connection refused" if codes == {errno.ECONNREFUSED} else "TCP connect failed"
        raise ConnectFailed(where, reason) from None
    except ConnectionRefusedError:
        raise ConnectFailed(where, "connection refused") from None
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise ConnectFailed(where, f"session set-up failed ({type(exc).__name__})") from None


def _read(channel: paramiko.Channel, seconds: float) -> str:
    """What the device prints until a prompt is followed by silence, or `seconds` pass.
    A pager's "More" is answered with a space (the probe sets no terminal length)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    pages = 0
    while time.monotonic() < deadline:
        if channel.recv_ready():
            data = channel.recv(65536)
            if not data:
                break
            chunks.append(data)
            quiet_since = time.monotonic()
            continue
        if channel.exit_status_ready() and not channel.recv_ready():
            break
        text = _clean(b"".join(chunks))
        if PAGER.search(text) and pages < MAX_PAGES:
            pages += 1
            channel.send(b" ")
            chunks.append(b"\n")  # the pager's line ends the page, not a prompt
            continue
        if _PROMPT_END.search(text) and time.monotonic() - quiet_since >= QUIET_SECONDS:
            break
        time.sleep(0.02)
    return _clean(b"".join(chunks))


def _clean(raw: bytes) -> str:
    return _ANSI.sub("", raw.decode("utf-8", errors="replace")).replace("\r", "")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
