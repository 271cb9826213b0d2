"""Collect raw CLI output over netmiko: the only SSH discovery module doing I/O.

`collect_target` opens one session, runs the platform's commands and returns
every output plus what failed, as data: a dead or refusing target is a
`CollectResult` with a `failure`, never an exception that stops a sweep.
The session is made by a `Connector` (netmiko by default; tests pass a double).
netmiko is synchronous, so `collect_many` runs targets in a thread pool whose
size the caller chooses.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import paramiko
from netmiko import BaseConnection, ConnectHandler
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)
from paramiko.ssh_exception import NoValidConnectionsError

from discovery.ssh.errors import (
    AuthFailed,
    CommandFailed,
    ConnectFailed,
    ConnectTimeout,
    TargetError,
)
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import Command, ParsedTarget, Platform
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts

log = logging.getLogger(__name__)


class Session(Protocol):
    """The slice of a netmiko connection the collector uses."""

    def send_command(self, command_string: str, *, read_timeout: float) -> str: ...

    def disconnect(self) -> None: ...


Connector = Callable[[SSHTarget, SSHCredentials, Platform, SSHTimeouts], Session]


@dataclass(frozen=True, slots=True)
class CommandResult:
    key: str
    cli: str
    required: bool
    output: str | None  # None when the command failed or was not run
    error: str | None
    seconds: float


@dataclass(frozen=True, slots=True)
class TargetFailure:
    """Why a target gave nothing: the error (its class says the kind), as data."""

    error: TargetError

    @property
    def kind(self) -> str:
        return self.error.kind

    @property
    def message(self) -> str:
        return str(self.error)


@dataclass(frozen=True, slots=True)
class CollectResult:
    target: SSHTarget
    platform: str
    credential_ref: str
    commands: tuple[CommandResult, ...]
    failure: TargetFailure | None
    connect_seconds: float
    total_seconds: float

    @property
    def outputs(self) -> dict[str, str]:
        return {c.key: c.output for c in self.commands if c.output is not None}

    @property
    def command_failures(self) -> dict[str, str]:
        return {c.key: c.error for c in self.commands if c.error is not None}

    @property
    def complete(self) -> bool:
        """Connected, and every required command answered: the coverage to certify."""
        return self.failure is None and all(
            c.output is not None for c in self.commands if c.required
        )


def netmiko_connect(
    target: SSHTarget, credentials: SSHCredentials, platform: Platform, timeouts: SSHTimeouts
) -> Session:
    """A netmiko session, with its exceptions mapped onto ours (no credential, no chaining).

    netmiko's time is mostly fixed sleeps, not work (see bench/discovery.py). Two of
    them are cut here: `_open()` sends a RETURN and sleeps a fixed 100 ms before the
    platform's session preparation, for devices that stay silent until a key is
    pressed; every platform we support prints its prompt after login and its
    `session_preparation` reads until a pattern, so we connect with
    `auto_connect=False` and run the two public steps ourselves. And
    `global_delay_factor` (0.1 under `fast_cli`) only scales, on our path, the
    buffer-draining sleeps around `find_prompt` (10 ms, doubling while data comes);
    a late prompt that escapes a shorter drain is discarded by the next command's
    echo check (see `_NetmikoSession`), as it would be on any link slower than 10 ms.
    """
    key_file = str(credentials.key_file) if credentials.key_file is not None else None
    with netmiko_errors(target, timeouts):
        connection = ConnectHandler(
            device_type=platform.device_type,
            host=target.host,
            port=target.port,
            username=credentials.username,
            password=credentials.password or "",
            key_file=key_file,
            use_keys=key_file is not None,
            passphrase=credentials.passphrase,
            allow_agent=False,
            system_host_keys=False,
            ssh_config_file=None,
            fast_cli=True,
            global_delay_factor=0.02,
            conn_timeout=timeouts.conn,
            banner_timeout=timeouts.banner,
            auth_timeout=timeouts.auth,
            read_timeout_override=timeouts.read,
            auto_connect=False,
        )
        try:
            connection.establish_connection()
            connection.session_preparation()
        except BaseException:
            connection.disconnect()  # closes the transport, drops netmiko's log filter
            raise
    return _NetmikoSession(connection)


@contextmanager
def netmiko_errors(target: SSHTarget, timeouts: SSHTimeouts) -> Iterator[None]:
    """Map netmiko/paramiko session set-up errors onto ours.

    Their messages are dropped and not chained: ours name the target only.
    """
    try:
        yield
    except NetmikoAuthenticationException:
        raise AuthFailed(str(target), "authentication failed") from None
    except NetmikoTimeoutException as exc:
        raise _connect_error(target, exc.__context__, timeouts) from None
    except (paramiko.SSHException, OSError, EOFError, ReadTimeout) as exc:
        raise ConnectFailed(str(target), f"session set-up failed ({type(exc).__name__})") from None


class _NetmikoSession:
    """netmiko's connection, narrowed to raw text: parsing is ours, never use_textfsm.

    Each command reads until `prompt_pattern(base_prompt)` instead of letting netmiko
    find the prompt again before every command (`auto_find_prompt`: one more round
    trip and two buffer-clearing sleeps per command). The command echo is still
    verified, which keeps output in step with commands if a stray prompt arrives late.
    """

    def __init__(self, connection: BaseConnection) -> None:
        self._connection = connection
        self._prompt = prompt_pattern(connection.base_prompt)

    def send_command(self, command_string: str, *, read_timeout: float) -> str:
        output = self._connection.send_command(
            command_string,
            expect_string=self._prompt,
            read_timeout=read_timeout,
            cmd_verify=True,
        )
        if not isinstance(output, str):  # only if someone turned on a parser
            raise TypeError(f"netmiko returned {type(output).__name__}, not text")
        return output

    def disconnect(self) -> None:
        self._connection.disconnect()


_TERMINATORS = "#>%$]"
# Huawei VRP and H3C Comware wrap the name: `<host>` (user view), `[host]`, `[~host]`.
_OPENERS = r"(?:<|\[[~*]?)?"


def prompt_pattern(base_prompt: str) -> str:
    """The device's prompt as the last line of what was read: the base prompt netmiko
    found at set-up (after the `<` or `[` Huawei and H3C put before it), anything but
    whitespace (IOS cuts the base prompt to 16 characters; a mode such as `(config)`),
    a terminator (`#` `>` `]` on network OSes, `%` a Junos shell, `$` a Linux user),
    optional trailing blanks, then the end of the text. Anchoring at both ends keeps a
    prompt-like string inside the output from ending the read early. A bare `$ `
    prompt is its own base prompt (netmiko keeps the terminator when there is nothing
    else)."""
    if len(base_prompt) == 1 and base_prompt in _TERMINATORS:
        return rf"(?:^|\n){re.escape(base_prompt)}[ \t]*\Z"
    return (
        rf"(?:^|\n){_OPENERS}{re.escape(base_prompt)}\S*[{re.escape(_TERMINATORS)}][ \t]*\Z"
    )


def _connect_error(
    target: SSHTarget, cause: BaseException | None, timeouts: SSHTimeouts
) -> TargetError:
    """netmiko reports refused ports, timeouts and SSH negotiation failures all as
    NetmikoTimeoutException; the exception it was handling tells them apart."""
    if isinstance(cause, NoValidConnectionsError):  # paramiko's wrapper, one per address
        refused = all(
            getattr(e, "errno", None) == errno.ECONNREFUSED for e in cause.errors.values()
        )
        cause = ConnectionRefusedError() if refused else cause
    if isinstance(cause, ConnectionRefusedError):
        return ConnectFailed(str(target), "connection refused")
    if isinstance(cause, socket.gaierror):
        return ConnectFailed(str(target), "host name does not resolve")
    if isinstance(cause, paramiko.SSHException) and "No existing session" not in str(cause):
        return ConnectFailed(str(target), f"SSH negotiation failed ({type(cause).__name__})")
    if isinstance(cause, OSError) and not isinstance(cause, TimeoutError):
        return ConnectFailed(str(target), f"TCP connect failed ({type(cause).__name__})")
    return ConnectTimeout(str(target), f"no SSH session within {timeouts.conn:g}s")


def _rejection(platform: Platform, output: str) -> str | None:
    """The device's complaint, when the first lines of output carry an error marker."""
    for line in output.splitlines()[:3]:
        if any(marker in line for marker in platform.error_markers):
            return line.strip()[:200]
    return None


def run_commands(
    session: Session,
    target: SSHTarget,
    platform: Platform,
    commands: Sequence[Command],
    read_timeout: float,
) -> tuple[CommandResult, ...]:
    """Run `commands` in order. After a timeout or a lost session the channel can
    no longer be trusted, so the remaining commands are recorded as not run."""
    results: list[CommandResult] = []
    broken: str | None = None
    for cmd in commands:
        if broken is not None:
            results.append(CommandResult(cmd.key, cmd.cli, cmd.required, None, broken, 0.0))
            continue
        started = time.perf_counter()
        output: str | None = None
        rejected: list[str] = []  # the spellings the device refused, with its answer
        for cli in (cmd.cli, *cmd.fallbacks):
            try:
                output = session.send_command(cli, read_timeout=read_timeout)
                reason = _rejection(platform, output)
            except ReadTimeout:
                reason = f"no prompt within {read_timeout:g}s"
                broken = f"not run: session unusable after timeout of {cli!r}"
            except (OSError, EOFError, paramiko.SSHException) as exc:
                reason = f"session lost ({type(exc).__name__})"
                broken = f"not run: session lost during {cli!r}"
            if reason is None or broken is not None:
                break
            rejected.append(f"{cli!r}: {reason}" if cli != cmd.key else reason)
        seconds = time.perf_counter() - started
        if reason is not None:
            if broken is None and len(rejected) > 1:
                reason = "; ".join(rejected)
            error = str(CommandFailed(str(target), cmd.key, reason))
            log.info("%s", error)
            results.append(CommandResult(cmd.key, cli, cmd.required, None, error, seconds))
        else:
            results.append(CommandResult(cmd.key, cli, cmd.required, output, None, seconds))
    return tuple(results)


def collect_target(
    target: SSHTarget,
    credentials: SSHCredentials,
    *,
    timeouts: SSHTimeouts | None = None,
    commands: Sequence[Command] | None = None,
    connect: Connector = netmiko_connect,
) -> CollectResult:
    """Run the target platform's commands (or `commands`) in one SSH session."""
    timeouts = timeouts or SSHTimeouts()
    platform = get_platform(target.platform)
    to_run = tuple(commands) if commands is not None else platform.commands
    started = time.perf_counter()
    try:
        session = connect(target, credentials, platform, timeouts)
    except TargetError as err:
        log.info("%s", err)
        elapsed = time.perf_counter() - started
        failure = TargetFailure(err)
        return CollectResult(target, platform.name, credentials.ref, (), failure, elapsed, elapsed)
    connected = time.perf_counter()
    try:
        results = run_commands(session, target, platform, to_run, timeouts.read)
    finally:
        try:
            session.disconnect()
        except (TimeoutError, OSError, EOFError, paramiko.SSHException):
            log.debug("%s: disconnect failed", target)
    done = time.perf_counter()
    return CollectResult(
        target=target,
        platform=platform.name,
        credential_ref=credentials.ref,
        commands=results,
        failure=None,
        connect_seconds=connected - started,
        total_seconds=done - started,
    )


def collect_many(
    jobs: Sequence[tuple[SSHTarget, SSHCredentials]],
    *,
    max_workers: int,
    timeouts: SSHTimeouts | None = None,
    connect: Connector = netmiko_connect,
) -> list[CollectResult]:
    """`collect_target` for every job, `max_workers` sessions at a time, in job order."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="ssh-collect") as pool:
        futures = [
            pool.submit(collect_target, target, creds, timeouts=timeouts, connect=connect)
            for target, creds in jobs
        ]
        return [future.result() for future in futures]


def parse_collected(result: CollectResult) -> ParsedTarget:
    """Typed rows from a collect result (pure; failures per command are data)."""
    return get_platform(result.platform).parse(result.outputs)
