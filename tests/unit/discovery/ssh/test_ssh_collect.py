"""The collector over a session double: coverage, per-command failures, secrets."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from netmiko.exceptions import ReadTimeout

from discovery.ssh.collect import collect_many, collect_target, parse_collected, prompt_pattern
from discovery.ssh.errors import AuthFailed, ConnectTimeout
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import Platform
from discovery.ssh.records import DeviceVersion, MacEntry
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts

NTC = Path(__file__).parent / "fixtures" / "ntc"
SECRET = "hunter2-do-not-log"
CREDS = SSHCredentials(username="netops", password=SECRET, ref="core-switches")


class FakeSession:
    """Answers from a dict; a value that is an exception is raised instead."""

    def __init__(self, answers: dict[str, str | BaseException], delay: float = 0.0) -> None:
        self.answers = answers
        self.delay = delay
        self.sent: list[str] = []
        self.closed = False

    def send_command(self, command_string: str, *, read_timeout: float) -> str:
        self.sent.append(command_string)
        time.sleep(self.delay)
        answer = self.answers.get(command_string, "")
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def disconnect(self) -> None:
        self.closed = True


def connector(session: FakeSession) -> Callable[..., FakeSession]:
    def connect(
        target: SSHTarget, creds: SSHCredentials, platform: Platform, t: SSHTimeouts
    ) -> FakeSession:
        return session

    return connect


def ios_version() -> str:
    return (NTC / "cisco_ios/show_version/cisco_ios_show_version.raw").read_text()


def test_runs_every_platform_command_and_parses_the_outputs() -> None:
    session = FakeSession({"show version": ios_version()})
    target = SSHTarget("192.0.2.10", "cisco_ios")
    result = collect_target(target, CREDS, connect=connector(session))
    assert session.sent == [c.cli for c in get_platform("cisco_ios").commands]
    assert session.closed
    assert result.complete and result.failure is None
    assert result.credential_ref == "core-switches"
    (version,) = parse_collected(result).of(DeviceVersion)
    assert version.serials == ("CAT1451S15C",)


def test_rejected_command_is_a_failure_and_required_ones_break_completeness() -> None:
    rejected = "                ^\n% Invalid input detected at '^' marker.\n"
    session = FakeSession({"show vlan": rejected, "show inventory": rejected})
    result = collect_target(SSHTarget("192.0.2.10", "cisco_ios"), CREDS, connect=connector(session))
    assert set(result.command_failures) == {"show vlan", "show inventory"}
    assert "192.0.2.10:22" in result.command_failures["show vlan"]
    assert "'show vlan'" in result.command_failures["show vlan"]
    assert "show vlan" not in result.outputs
    assert not result.complete  # show inventory is required; show vlan is not


IOS_REJECTED = "                ^\n% Invalid input detected at '^' marker.\n"


def test_a_rejected_command_falls_back_to_its_older_spelling() -> None:
    """IOS 12.1 knows only `show mac-address-table`: its output is read as the table."""
    old = (NTC / "cisco_ios/show_mac-address-table/cisco_ios_show_mac-address-table.raw")
    session = FakeSession({"show version": ios_version(), "show mac address-table": IOS_REJECTED,
                           "show mac-address-table": old.read_text()})  # fmt: skip
    result = collect_target(SSHTarget("192.0.2.10", "cisco_ios"), CREDS, connect=connector(session))
    i = session.sent.index("show mac address-table")
    assert session.sent[i + 1] == "show mac-address-table"
    assert "show mac address-table" not in result.command_failures
    [mac] = [c for c in result.commands if c.key == "show mac address-table"]
    assert (mac.cli, mac.error) == ("show mac-address-table", None)
    entries = parse_collected(result).of(MacEntry)
    assert entries and "show mac address-table" not in parse_collected(result).failures


def test_a_command_whose_every_spelling_is_rejected_names_each() -> None:
    session = FakeSession({"show mac address-table": IOS_REJECTED,
                           "show mac-address-table": IOS_REJECTED})  # fmt: skip
    result = collect_target(SSHTarget("192.0.2.10", "cisco_ios"), CREDS, connect=connector(session))
    error = result.command_failures["show mac address-table"]
    assert "% Invalid input" in error and "'show mac-address-table': % Invalid input" in error


def test_a_timeout_is_not_retried_under_another_spelling() -> None:
    session = FakeSession({"show ip interface brief vrf all": ReadTimeout("pattern not found")})
    result = collect_target(SSHTarget("192.0.2.10", "cisco_nxos"), CREDS, connect=connector(session))
    assert "show ip interface brief" not in session.sent
    assert "no prompt within" in result.command_failures["show ip interface brief vrf all"]


def test_timeout_stops_the_session_and_marks_the_rest_not_run() -> None:
    session = FakeSession({"show interfaces": ReadTimeout("pattern not found")})
    result = collect_target(SSHTarget("192.0.2.10", "cisco_ios"), CREDS, connect=connector(session))
    keys = [c.key for c in result.commands]
    after = keys[keys.index("show interfaces") + 1 :]
    assert "no prompt within" in result.command_failures["show interfaces"]
    assert all("not run" in result.command_failures[k] for k in after)
    assert session.sent[-1] == "show interfaces"
    assert session.closed


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (AuthFailed("192.0.2.10:22", "authentication failed"), "auth_failed"),
        (ConnectTimeout("192.0.2.10:22", "no SSH session within 10s"), "timeout"),
    ],
)
def test_connect_errors_are_data_and_never_show_the_secret(error: Exception, kind: str) -> None:
    def refuse(
        target: SSHTarget, creds: SSHCredentials, platform: Platform, t: SSHTimeouts
    ) -> FakeSession:
        raise error

    result = collect_target(SSHTarget("192.0.2.10", "cisco_ios"), CREDS, connect=refuse)
    assert result.failure is not None and result.failure.kind == kind
    assert result.commands == () and not result.complete
    assert SECRET not in repr(result) and SECRET not in result.failure.message


def test_credentials_never_show_secrets() -> None:
    creds = SSHCredentials(username="netops", password=SECRET, passphrase=SECRET + "2")
    for shown in (repr(creds), str(creds), f"{creds}", f"{creds!r}"):
        assert SECRET not in shown
        assert "netops" in shown and "***" in shown
    with pytest.raises(ValueError, match="no password or key_file"):
        SSHCredentials(username="netops")


def test_collect_many_runs_targets_concurrently_in_job_order() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    class Counting(FakeSession):
        def send_command(self, command_string: str, *, read_timeout: float) -> str:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            try:
                return super().send_command(command_string, read_timeout=read_timeout)
            finally:
                with lock:
                    active -= 1

    def connect(
        target: SSHTarget, creds: SSHCredentials, platform: Platform, t: SSHTimeouts
    ) -> FakeSession:
        return Counting({"hostname": f"{target.host}\n"}, delay=0.01)

    jobs = [(SSHTarget(f"192.0.2.{n}", "linux"), CREDS) for n in range(1, 7)]
    results = collect_many(jobs, max_workers=3, connect=connect)
    assert [r.target.host for r in results] == [f"192.0.2.{n}" for n in range(1, 7)]
    assert [r.outputs["hostname"].strip() for r in results] == [t.host for t, _ in jobs]
    assert peak == 3


@pytest.mark.parametrize(
    ("base_prompt", "output"),
    [
        ("router1", "show version\nCisco IOS Software\nrouter1#"),
        ("core-sw-01.examp", "show vlan\n...\ncore-sw-01.example#"),  # IOS cuts the base to 16
        ("router1", "show run\nrouter1(config)#"),
        ("labadmin@mx5", "show version\nHostname: mx5\n\n{master:0}\nlabadmin@mx5> "),
        ("root@web01:~", "uname -a\nLinux web01\nroot@web01:~# "),
        ("$", "hostname\nweb01\n$ "),  # a bare sh prompt: netmiko keeps "$" as the base
        ("", "#"),
        ("HUAWEI", "display version\nHuawei Versatile Routing Platform Software\n<HUAWEI>"),
        ("CE6850-1", "display vlan\n...\n[~CE6850-1]"),
        ("H3C", "display interface\n...\n[H3C-GigabitEthernet1/0/1]"),
    ],
)
def test_prompt_pattern_matches_the_prompt_as_the_last_line(base_prompt: str, output: str) -> None:
    assert re.search(prompt_pattern(base_prompt), output)


@pytest.mark.parametrize(
    "output",
    [
        "show run\nhostname router1\nrouter1#show run more\n",  # a prompt-like line, not last
        "show cdp neighbors detail\nDevice ID: router1#2\nPlatform: x",  # inside a line
        "show version\n",  # the echo only: the prompt has not come yet
        "show version\nxrouter1#",  # another host's name that ends with ours
    ],
)
def test_prompt_pattern_does_not_end_the_read_early(output: str) -> None:
    assert re.search(prompt_pattern("router1"), output) is None


def test_a_bare_prompt_still_needs_a_line_of_its_own() -> None:
    assert re.search(prompt_pattern("$"), "echo $\n$\n$ ")
    assert re.search(prompt_pattern("$"), "price: 5$") is None
