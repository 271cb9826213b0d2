"""SSH as a discovery driver (discovery.driver): place the target's platform, run its
commands in one session, parse the outputs, normalize them into a change set.

    platform: the job's, else remembered, else detected (and remembered): one short
              probe session (probe.py) reading the prompt and the version
    collect_target (netmiko; retried on a connect timeout) -> parse_collected
        -> normalize_ssh (failed commands certify nothing)

A failed session raises discovery.ssh.errors' `TargetError`s (a target we cannot place
is `NoPlatform`); a failed command or parser is a failure of the answer, not of the
attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from cmdb.errors import CMDBError
from cmdb.runs import Failure
from discovery.credentials import CredentialMemory
from discovery.driver import Answer
from discovery.jobs import CredentialRef, SshProtocol
from discovery.reach import Gone, tcp_gone
from discovery.ssh.collect import CollectResult, collect_target, parse_collected
from discovery.ssh.errors import CommandFailed, ConnectTimeout, NoPlatform, NormalizeError
from discovery.ssh.normalize import normalize_ssh
from discovery.ssh.probe import probe_platform
from discovery.ssh.records import DeviceVersion
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts


class SshDriver:
    protocol = "ssh"

    def __init__(
        self, spec: SshProtocol, credentials: Mapping[str, SSHCredentials], *,
        timeout: float, retries: int, run_id: str, memory: CredentialMemory,
    ) -> None:  # fmt: skip
        self.spec = spec
        self.port = spec.port
        self.secrets = dict(credentials)
        self.timeout = timeout
        self.timeouts = SSHTimeouts(conn=timeout, banner=timeout, auth=timeout,
                                    read=max(10.0, timeout * 4))  # fmt: skip
        self.retries = retries
        self.run_id = run_id
        self.memory = memory  # remembers each target's detected platform

    @property
    def credentials(self) -> Sequence[CredentialRef]:
        return self.spec.credentials

    def open(self) -> None:
        """Nothing to open: a session per attempt."""

    def close(self) -> None:
        """Nothing to close."""

    def memory_key(self, address: str) -> str:
        return str(SSHTarget(address, self.spec.platform or "autodetect", self.port))

    def gone(self, address: str) -> Gone | None:
        return tcp_gone(address, self.port, self.timeout)

    def attempt(self, address: str, credential: str) -> Answer:
        creds = self.secrets[credential]
        key = self.memory_key(address)
        platform = self.spec.platform or self.memory.platform(key)
        if platform is None:
            platform = self._detect(SSHTarget(address, "autodetect", self.port), creds)
            self.memory.remember_platform(key, platform)
        result = self._collect(SSHTarget(address, platform, self.port), creds)
        if result.failure is not None:
            raise result.failure.error
        return self._answer(address, key, result)

    def _detect(self, probe: SSHTarget, creds: SSHCredentials) -> str:
        """One short session reading the prompt and `show version` / `display version` /
        `uname -a`. No fallback to netmiko's SSHDetect: it asks the same questions of
        the platforms we parse, with fixed waits for dozens of others (minutes)."""
        platform = probe_platform(probe, creds, self.timeouts)
        if platform is None:
            raise NoPlatform(str(probe), "no platform we can parse")
        return platform

    def _collect(self, target: SSHTarget, creds: SSHCredentials) -> CollectResult:
        for _attempt in range(self.retries + 1):
            result = collect_target(target, creds, timeouts=self.timeouts)
            if result.failure is None or not isinstance(result.failure.error, ConnectTimeout):
                break
        return result

    def _answer(self, address: str, key: str, result: CollectResult) -> Answer:
        commands = {c.key: ("ok" if c.output is not None else "failed") for c in result.commands}
        answer = Answer({"status": "answered", "platform": result.platform, "tables": commands})
        for c in result.commands:
            if c.error is not None:
                answer.failures.append(self._failure(address, CommandFailed.kind, c.error, c.key))
        parsed = parse_collected(result)
        versions = parsed.of(DeviceVersion)  # uptime: run metadata, never a CI's version
        if versions and versions[0].uptime_seconds is not None:
            answer.coverage["uptime_seconds"] = versions[0].uptime_seconds
        for command, err in parsed.failures.items():
            answer.failures.append(self._failure(address, err.kind, f"{key}: {err}", command))
            commands[command] = "parse_error"
        # Failed commands certify nothing: the normalizer keeps what they would have
        # reported from going absent or closing.
        failed = sorted({c.key for c in result.commands if c.output is None} | set(parsed.failures))
        try:
            answer.changeset = normalize_ssh(
                parsed, target=address, observed_at=datetime.now(UTC), run_id=self.run_id,
                failed_commands=failed,
            )  # fmt: skip
        except (CMDBError, ValueError) as exc:
            error = NormalizeError(key, str(exc))
            answer.failures.append(self._failure(address, error.kind, str(error)))
        return answer

    def _failure(
        self, address: str, kind: str, message: str, command: str | None = None
    ) -> Failure:
        return Failure(address, self.protocol, kind, message, command)
