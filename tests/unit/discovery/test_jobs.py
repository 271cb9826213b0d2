"""Job files and credentials: parsing, safety, expansion, resolution, memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discovery.credentials import (
    CredentialError,
    CredentialMemory,
    CredentialResolver,
)
from discovery.jobs import (
    CredentialRef,
    JobError,
    SnmpProtocol,
    SshProtocol,
    expand_targets,
    load_job,
)
from discovery.snmp.credentials import SnmpV2c, SnmpV3

GOOD = """\
name: core
targets:
  - 127.77.0.0/29
  - 127.78.0.1-127.78.0.3
  - 198.18.0.9
exclude: [127.77.0.3, 127.78.0.2-127.78.0.2]
protocols:
  - protocol: snmp
    port: 1161
    credentials:
      - secret: core-v3
      - name: ro
        env: {community: SNMP_RO}
  - protocol: ssh
    platform: linux
    credentials: [{secret: lab-linux}]
concurrency: 4
timeout: 1.5
retries: 2
schedule: "*/15 * * * *"
"""


def _job(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(text)
    return path


def test_good_file_parses_in_order_and_expands(tmp_path: Path) -> None:
    job = load_job(_job(tmp_path, GOOD))
    assert [p.protocol for p in job.protocols] == ["snmp", "ssh"]
    assert job.protocols[0].port == 1161 and job.protocols[1].port == 22
    assert isinstance(job.protocols[1], SshProtocol) and job.protocols[1].platform == "linux"
    assert [r.label for r in job.protocols[0].credentials] == ["secret:core-v3", "ro"]
    assert (job.concurrency, job.timeout, job.retries) == (4, 1.5, 2)
    assert isinstance(job.protocols[0], SnmpProtocol) and job.protocols[0].max_repetitions == 25
    # /29: hosts .1-.6 (no network/broadcast), minus the excluded .3; a range; a host.
    assert expand_targets(job) == [
        "127.77.0.1", "127.77.0.2", "127.77.0.4", "127.77.0.5", "127.77.0.6",
        "127.78.0.1", "127.78.0.3", "198.18.0.9",
    ]  # fmt: skip


def test_duplicates_are_swept_once(tmp_path: Path) -> None:
    text = GOOD.replace("  - 198.18.0.9\n", "  - 198.18.0.9\n  - 127.77.0.2\n")
    targets = expand_targets(load_job(_job(tmp_path, text)))
    assert targets.count("127.77.0.2") == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "reason"),
    [
        ("    port: 1161\n", "    port: lots\n", 9, "protocols[0].port", "valid integer"),
        ("concurrency: 4\n", "concurrency: 4\ncolour: red\n", 18, "colour", "not permitted"),
        ("    platform: linux\n", "    platform: beos\n", 15, "protocols[1].platform", "beos"),
        ("  - 198.18.0.9\n", "  - 198.18.0.9-198.18.0.1\n", 5, "targets[2]", "lower to a"),
        ("  - 198.18.0.9\n", "  - core-sw1\n", 5, "targets[2]", "host names are not"),
        ("      - secret: core-v3\n", "      - {secret: a, env: {community: B}}\n", 11,
         "protocols[0].credentials[0]", "exactly one of"),
        ('"*/15 * * * *"', '"61 * * * *"', 20, "schedule", "not a valid cron"),
        ("    port: 1161\n", "    port: 1161\n    max_repetitions: 500\n", 10,
         "protocols[0].max_repetitions", "less than or equal to 200"),
        ('"*/15 * * * *"', '"every day"', 20, "schedule", "not a valid cron"),
    ],
)  # fmt: skip
def test_bad_field_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, reason: str
) -> None:
    assert old in GOOD
    path = _job(tmp_path, GOOD.replace(old, new))
    with pytest.raises(JobError) as info:
        load_job(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field), str(err)
    assert reason in err.reason
    assert str(err).startswith(f"{path}:{line}: {field}: ")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(JobError) as info:
        load_job(_job(tmp_path, "name: x\ntargets: [127.0.0.1\n"))
    assert info.value.line is not None and info.value.line >= 2


@pytest.mark.parametrize("target", ["10.1.2.0/24", "8.8.8.8", "127.255.255.250-128.0.0.5",
                                    "198.20.0.1", "::1"])  # fmt: skip
def test_targets_outside_loopback_and_lab_are_refused(tmp_path: Path, target: str) -> None:
    path = _job(tmp_path, GOOD.replace("  - 198.18.0.9\n", f"  - {target}\n"))
    with pytest.raises(JobError) as info:
        load_job(path)
    assert info.value.line == 5 and info.value.field == "targets[2]"
    assert "allow_networks" in str(info.value)


def test_allow_networks_opens_a_network_explicitly(tmp_path: Path) -> None:
    text = GOOD.replace("  - 198.18.0.9\n", "  - 10.1.2.0/30\n") + "allow_networks: [10.1.0.0/16]\n"
    job = load_job(_job(tmp_path, text))
    assert expand_targets(job)[-2:] == ["10.1.2.1", "10.1.2.2"]
    bad = text.replace("allow_networks: [10.1.0.0/16]", "allow_networks: [10.1.0.0/33]")
    with pytest.raises(JobError, match="allow_networks"):
        load_job(_job(tmp_path, bad))


def test_cidr_larger_than_a_slash_16_is_refused(tmp_path: Path) -> None:
    for big in ("127.0.0.0/15", "127.0.0.0-127.1.0.0"):
        with pytest.raises(JobError, match="more than 65536"):
            load_job(_job(tmp_path, GOOD.replace("127.77.0.0/29", big)))
    job = load_job(_job(tmp_path, GOOD.replace("127.77.0.0/29", "127.76.0.0/16")),
                   max_targets=65_537)  # the job's limit raised on purpose
    assert len(expand_targets(job)) == 65534 + 3  # the /16's hosts, a range of 2, a host


def test_shipped_job_files_parse() -> None:
    root = Path(__file__).resolve().parents[3] / "discovery" / "jobs"
    files = sorted(root.glob("*.yaml"))
    assert files
    for path in files:
        assert expand_targets(load_job(path))


# -- credentials ------------------------------------------------------------------------

SECRET_VALUES = ("s3cret-community", "v3-user", "auth-key-123", "priv-key-456", "pw-789")


def _secrets(tmp_path: Path, mode: int = 0o600) -> Path:
    path = tmp_path / "secrets.yaml"
    path.write_text(
        "core-v2c: {community: s3cret-community}\n"
        "core-v3: {user: v3-user, auth_key: auth-key-123, priv_key: priv-key-456,"
        " auth_protocol: SHA256}\n"
        "ops: {username: ops, password: pw-789}\n"
    )
    path.chmod(mode)
    return path


def _no_secret_in(text: str) -> None:
    for value in SECRET_VALUES:
        assert value not in text


def test_env_reference_resolves_and_hides_the_secret() -> None:
    resolver = CredentialResolver(env={"SNMP_RO": "s3cret-community", "U": "ops", "P": "pw-789"})
    cred = resolver.snmp(CredentialRef(env={"community": "SNMP_RO"}, context="vlan-10"))
    assert isinstance(cred, SnmpV2c) and cred.community.reveal() == "s3cret-community"
    assert cred.context == "vlan-10"
    ssh = resolver.ssh(CredentialRef(name="ops", env={"username": "U", "password": "P"}))
    assert (ssh.username, ssh.password, ssh.ref) == ("ops", "pw-789", "ops")
    _no_secret_in(repr(cred) + str(cred) + repr(ssh) + str(ssh) + repr(resolver))


def test_missing_env_variable_names_the_variable_not_a_value() -> None:
    resolver = CredentialResolver(env={})
    with pytest.raises(CredentialError, match="SNMP_RO is not set"):
        resolver.snmp(CredentialRef(name="ro", env={"community": "SNMP_RO"}))


def test_secrets_file_entries_resolve_by_name(tmp_path: Path) -> None:
    resolver = CredentialResolver(env={}, secrets_file=_secrets(tmp_path))
    v3 = resolver.snmp(CredentialRef(secret="core-v3"))
    assert isinstance(v3, SnmpV3)
    assert (v3.user.reveal(), v3.auth_protocol, v3.priv_protocol) == ("v3-user", "SHA256", "AES")
    assert resolver.ssh(CredentialRef(secret="ops")).password == "pw-789"
    with pytest.raises(CredentialError) as info:
        resolver.snmp(CredentialRef(secret="nope"))
    assert "no entry 'nope'" in str(info.value)
    _no_secret_in(str(info.value))
    with pytest.raises(CredentialError, match="not used by SSH"):
        resolver.ssh(CredentialRef(secret="core-v2c"))


def test_world_readable_secrets_file_is_refused(tmp_path: Path) -> None:
    resolver = CredentialResolver(env={}, secrets_file=_secrets(tmp_path, 0o644))
    with pytest.raises(CredentialError) as info:
        resolver.snmp(CredentialRef(secret="core-v2c"))
    assert "0644" in str(info.value) and "0600" in str(info.value)
    _no_secret_in(str(info.value))


def test_bad_secrets_file_errors_never_quote_values(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("core: {community: s3cret-community, colour: pw-789}\n")
    path.chmod(0o600)
    with pytest.raises(CredentialError) as info:
        CredentialResolver(env={}, secrets_file=path).snmp(CredentialRef(secret="core"))
    assert "colour" in str(info.value)
    _no_secret_in(str(info.value))
    path.write_text("core: {community: s3cret-community\n")
    with pytest.raises(CredentialError) as info:
        CredentialResolver(env={}, secrets_file=path).snmp(CredentialRef(secret="core"))
    _no_secret_in(str(info.value))


def test_lab_credential_kind_is_refused_naming_the_secret_to_use(tmp_path: Path) -> None:
    path = _job(tmp_path, GOOD.replace("{secret: lab-linux}", "{lab: lab-linux}"))
    with pytest.raises(JobError) as info:
        load_job(path)
    assert str(info.value) == (
        f"{path}:16: protocols[1].credentials[0]: the lab: credential kind is gone: write "
        "{secret: lab-linux} and give the lab's secrets file (--secrets .cmdb/lab/secrets.yaml)"
    )


def test_memory_remembers_the_name_only_and_orders_it_first(tmp_path: Path) -> None:
    path = tmp_path / "state" / "credential-memory.json"
    refs = [CredentialRef(secret="core-v3"), CredentialRef(secret="core-v2c")]
    resolver = CredentialResolver(env={}, secrets_file=_secrets(tmp_path))
    worked = refs[1]
    assert isinstance(resolver.snmp(worked), SnmpV2c)
    memory = CredentialMemory(path)
    assert memory.ordered(refs, "snmp", "127.77.0.1:161") == refs
    memory.remember("snmp", "127.77.0.1:161", worked.label)
    memory.remember_platform("127.78.0.1:22", "cisco_ios")
    memory.save()
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    _no_secret_in(text)
    assert json.loads(text)["credentials"] == {"snmp": {"127.77.0.1:161": "secret:core-v2c"}}
    again = CredentialMemory(path)
    assert again.ordered(refs, "snmp", "127.77.0.1:161") == [refs[1], refs[0]]
    assert again.ordered(refs, "snmp", "127.77.0.2:161") == refs
    assert again.platform("127.78.0.1:22") == "cisco_ios"
    path.write_text("[1, 2]")
    with pytest.raises(CredentialError, match="not a credential memory file"):
        CredentialMemory(path)
