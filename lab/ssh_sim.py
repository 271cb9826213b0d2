"""One asyncio process serving many simulated network devices over SSH.

Each device listens on its own loopback address, shows a prompt from its hostname,
echoes what is typed (netmiko reads the echo back), and answers its recorded commands
verbatim. Password and public-key authentication. Run as `python -m lab.ssh_sim SPEC`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from lab.ssh_platforms import PLATFORM_TABLE, Shell


@dataclass(frozen=True)
class _User:
    password: str
    public_keys: tuple[bytes, ...]


@dataclass(frozen=True)
class _Device:
    name: str
    platform: str
    hostname: str
    outputs: dict[str, str]


class _Server(asyncssh.SSHServer):
    def __init__(self, users: dict[str, _User]) -> None:
        self._users = users

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user = self._users.get(username)
        return user is not None and hmac.compare_digest(
            user.password.encode(), password.encode()
        )

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        user = self._users.get(username)
        return user is not None and key.public_data in user.public_keys


def _to_wire(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


async def _session(process: Any, device: _Device) -> None:
    username = process.get_extra_info("username") or "admin"
    shell = Shell(PLATFORM_TABLE[device.platform], device.hostname, username, device.outputs)
    if process.command:  # `ssh host 'show version'`
        reply = shell.answer(process.command)
        process.stdout.write(_to_wire(reply or ""))
        process.exit(0)
        return
    process.stdout.write(_to_wire("\n" + shell.prompt))
    line: list[str] = []
    last = ""
    try:
        while True:
            data = await process.stdin.read(4096)
            if not data:
                break
            # Everything one read brings (the echo, then any replies) goes out in one
            # write: a line that arrives in one packet is echoed in one packet, as a
            # device's TCP stack would send it, not one SSH packet per character.
            out: list[str] = []
            for ch in data:
                if ch in "\r\n":
                    if ch == "\n" and last == "\r":
                        last = ch
                        continue
                    reply = shell.answer("".join(line))
                    line.clear()
                    if reply is None:
                        out.append("\r\n")
                        process.stdout.write("".join(out))
                        process.exit(0)
                        return
                    out.append(_to_wire("\n" + reply + shell.prompt))
                elif ch in "\x7f\x08":
                    if line:
                        line.pop()
                        out.append("\b \b")
                elif ch.isprintable():
                    line.append(ch)
                    out.append(ch)
                last = ch
            if out:
                process.stdout.write("".join(out))
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, BrokenPipeError):
        pass
    process.exit(0)


def _load(spec: dict[str, Any]) -> tuple[list[tuple[dict[str, Any], _Device]], dict[str, _User]]:
    credentials = json.loads(Path(spec["credentials_file"]).read_text(encoding="utf-8"))
    users = {}
    for user in credentials["ssh"]["users"]:
        keys: list[bytes] = []
        if user.get("public_key_file"):
            key = asyncssh.read_public_key(user["public_key_file"])
            keys.append(key.public_data)
        users[user["username"]] = _User(user["password"], tuple(keys))
    devices = []
    for entry in spec["devices"]:
        outputs = {
            cmd: Path(path).read_text(encoding="utf-8", errors="replace")
            for cmd, path in entry["commands"].items()
        }
        devices.append(
            (entry, _Device(entry["name"], entry["platform"], entry["hostname"], outputs))
        )
    return devices, users


async def serve(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    devices, users = _load(spec)
    host_key = asyncssh.read_private_key(spec["host_key"])
    servers = []
    for entry, device in devices:

        def factory(process: Any, device: _Device = device) -> Any:
            return _session(process, device)

        servers.append(
            await asyncssh.listen(
                entry["address"],
                int(entry["port"]),
                server_factory=lambda: _Server(users),
                server_host_keys=[host_key],
                process_factory=factory,
                line_editor=False,
                encoding="utf-8",
                reuse_address=True,
            )
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    Path(spec["ready_file"]).write_text(f"{len(servers)}\n", encoding="utf-8")
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    asyncio.run(serve(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
