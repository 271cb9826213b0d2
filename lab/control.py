"""`up`, `down`, `status`: start the lab's processes and namespaces, stop them by PID."""

from __future__ import annotations

import importlib
import ipaddress
import json
import logging
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lab import manifest, netns, procs
from lab.config import LabConfig, LabOptions, load_config
from lab.errors import LabStartError
from lab.facts import collect_facts
from lab.manifest import LabDevice, Manifest
from lab.scale import BaseProfile, generate, profile_base
from lab.snmprec import OverlayRecording, read_prepared
from lab.sources import cli_dir, default_cache_dir, default_data_dirs, prepare_all, snmp_sources
from lab.ssh_platforms import PLATFORMS, catalog, parse_hostname, pick, recorded_platforms

OPTIONS_FILE = "options.json"
READY_TIMEOUT = 180.0
BASE_PROFILE_LIMIT = 1024 * 1024  # only small recordings become scale bases
EXTRA_MODULES = ("asyncssh", "snmpsim_data")  # pyproject's optional extra `lab`
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabStatus:
    state_dir: Path
    processes: list[procs.ProcessRecord]
    namespaces: list[str]
    devices: int

    @property
    def running(self) -> bool:
        return bool(self.processes) and all(p.alive for p in self.processes)


def _fingerprint(options: LabOptions) -> dict[str, Any]:
    return {"scale": options.scale, "linux": options.linux, "ssh": options.ssh,
            "data": [str(p) for p in options.data_dirs], "prefix": options.config.prefix}


def up(options: LabOptions) -> Manifest:
    """Start the lab (idempotent: a running lab with the same options is left alone)."""
    require_lab_extra()
    started = time.monotonic()
    state_dir = options.state_dir.resolve()
    existing = manifest.load(state_dir)
    options_file = state_dir / OPTIONS_FILE
    if existing is not None and options_file.exists():
        same = json.loads(options_file.read_text(encoding="utf-8")) == _fingerprint(options)
        if same and status(state_dir).running:
            return existing
    down(state_dir, options.config)
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o700)
    options_file.write_text(json.dumps(_fingerprint(options)), encoding="utf-8")
    config = options.config
    keys = _ensure_keys(state_dir)
    credentials_file = write_credentials(config, state_dir, keys)
    data_dirs = options.data_dirs or default_data_dirs()
    devices: list[LabDevice] = []
    try:
        devices += _start_snmp(options, data_dirs, credentials_file)
        if options.ssh:
            devices += _start_ssh(config, state_dir, data_dirs, keys, credentials_file)
        namespaces: list[str] = []
        if options.linux:
            pub = keys["user"].with_suffix(".pub").read_text(encoding="utf-8")
            hosts = netns.start_hosts(config, state_dir, pub)
            namespaces = [h.namespace for h in hosts]
            devices += _linux_devices(config, hosts)
            for host in hosts:
                _wait_tcp(host.address, 22, f"sshd in {host.namespace}")
    except BaseException:
        down(state_dir, config)
        raise
    result = Manifest(
        prefix=config.prefix, state_dir=str(state_dir), credentials_file=str(credentials_file),
        scale=options.scale, devices=devices,
        processes={r.name: r.pid for r in procs.read_records(state_dir)},
        namespaces=namespaces, startup_seconds=round(time.monotonic() - started, 2),
    )
    manifest.save(result, state_dir)
    return result


def require_lab_extra() -> None:
    """Refuse, in one line, to start a lab whose optional packages are not installed."""
    missing = []
    for module in EXTRA_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module.replace("_", "-"))
    if missing:
        raise LabStartError(
            f"the device lab needs {', '.join(missing)}, in the optional extra `lab`: "
            "pip install -e '.[lab]' (make demo and make test install it)"
        )


def down(state_dir: Path, config: LabConfig | None = None) -> list[str]:
    """Stop every process the lab started (by PID) and remove its namespaces; also
    after a crashed `up`. Returns the names of what was stopped or removed."""
    state_dir = state_dir.resolve()
    prefix = _prefix(state_dir, config)
    stopped = [r.name for r in procs.stop_all(state_dir)]
    if os.geteuid() == 0:
        stopped += netns.remove_all(prefix)
    (state_dir / manifest.MANIFEST_FILE).unlink(missing_ok=True)
    (state_dir / OPTIONS_FILE).unlink(missing_ok=True)
    return stopped


def status(state_dir: Path, config: LabConfig | None = None) -> LabStatus:
    state_dir = state_dir.resolve()
    found = manifest.load(state_dir)
    namespaces = netns.lab_namespaces(_prefix(state_dir, config)) if os.geteuid() == 0 else []
    return LabStatus(state_dir, procs.read_records(state_dir), namespaces,
                     len(found.devices) if found else 0)


def _prefix(state_dir: Path, config: LabConfig | None) -> str:
    options_file = state_dir / OPTIONS_FILE
    if options_file.exists():
        return str(json.loads(options_file.read_text(encoding="utf-8"))["prefix"])
    return (config or load_config()).prefix


def _ensure_keys(state_dir: Path) -> dict[str, Path]:
    import asyncssh  # the extra `lab` (checked by up)

    keys_dir = state_dir / "keys"
    keys_dir.mkdir(exist_ok=True)
    keys_dir.chmod(0o700)
    out = {"host": keys_dir / "ssh_host_ed25519", "user": keys_dir / "lab_user_ed25519"}
    for path in out.values():
        if not path.exists():
            key = asyncssh.generate_private_key("ssh-ed25519")
            manifest.write_private(path, key.export_private_key().decode())
            path.with_suffix(".pub").write_bytes(key.export_public_key())
    return out


def write_credentials(config: LabConfig, state_dir: Path, keys: dict[str, Path]) -> Path:
    """The lab's credentials (mode 0600): `credentials.json` for the lab's own processes
    (returned), and `secrets.yaml`, the same by name, for discovery's `--secrets FILE`."""
    user_key = keys["user"]
    ssh_users = [
        {**u.model_dump(), "public_key_file": str(user_key.with_suffix(".pub"))
         if u.public_key else "", "private_key_file": str(user_key) if u.public_key else ""}
        for u in config.ssh.users
    ]
    linux = {**config.netns.user.model_dump(), "private_key_file": str(user_key)}
    body = {"snmp": config.snmp.model_dump(include={"communities", "v3_users"}),
            "ssh": {"users": ssh_users}, "linux": {"user": linux}}
    path = state_dir / manifest.CREDENTIALS_FILE
    manifest.write_private(path, json.dumps(body, indent=1))
    secrets = yaml.safe_dump(_secrets_by_name(config, user_key), sort_keys=False)
    manifest.write_private(state_dir / manifest.SECRETS_FILE,
                           "# the device lab's credentials, by name (written by `cmdb lab up`)\n"
                           + secrets)
    return path


def _secrets_by_name(config: LabConfig, user_key: Path) -> dict[str, dict[str, str]]:
    """Every lab credential under its name, in the secrets-file format discovery reads
    (`--secrets FILE`); a user with a key also as `<name>-key`."""
    out: dict[str, dict[str, str]] = {}
    for community in config.snmp.communities:
        out[community.name] = {"community": community.community}
    for v3 in config.snmp.v3_users:
        out[v3.name] = v3.model_dump(include={"user", "auth_key", "priv_key",
                                              "auth_protocol", "priv_protocol"})
    users = [(u, u.public_key) for u in config.ssh.users] + [(config.netns.user, True)]
    for user, has_key in users:
        out[user.name] = {"username": user.username, "password": user.password}
        if has_key:
            out[f"{user.name}-key"] = {"username": user.username, "key_file": str(user_key)}
    return out


def _addresses(block: str, count: int) -> list[str]:
    out: list[str] = []
    for address in ipaddress.IPv4Network(block).hosts():
        if int(address) & 0xFF in (0, 255):
            continue
        if len(out) == count:
            break
        out.append(str(address))
    return out


def _snmp_credential_names(config: LabConfig) -> list[str]:
    return [c.name for c in config.snmp.communities] + [u.name for u in config.snmp.v3_users]


def _start_snmp(options: LabOptions, data_dirs: tuple[Path, ...],
                credentials_file: Path) -> list[LabDevice]:
    config, state_dir = options.config, options.state_dir.resolve()
    cache = options.cache_dir or default_cache_dir()
    prepared = prepare_all(snmp_sources(data_dirs), cache)
    entries: list[dict[str, Any]] = []
    devices: list[LabDevice] = []
    names = _snmp_credential_names(config)
    port = config.snmp.port
    if options.scale == 0:
        addresses = _addresses(config.snmp.block, len(prepared))
        for (source, path, facts), address in zip(prepared, addresses, strict=False):
            entries.append({"name": source.name, "address": address, "port": port,
                            "recording": str(path)})
            devices.append(LabDevice(name=source.name, kind="snmp-sim", address=address,
                                     ports={"snmp": port}, protocols=["snmp"],
                                     credentials=names, platform=source.name,
                                     recording=str(source.path), facts=facts))
    else:
        bases: dict[str, BaseProfile] = {}
        for _source, path, _facts in prepared:
            if path.stat().st_size <= BASE_PROFILE_LIMIT:
                bases[str(path)] = profile_base(str(path), read_prepared(path))
        scaled = generate(options.scale, list(bases.values()),
                          _addresses(config.snmp.block, options.scale))
        for dev in scaled:
            base = bases[dev.base_key]
            facts = collect_facts(OverlayRecording(base.data, dev.overlay.rows,
                                                   dev.overlay.deleted)).as_dict()
            entries.append({"name": dev.name, "address": dev.address, "port": port,
                            "recording": dev.base_key,
                            "overlay": {"rows": dev.overlay.rows,
                                        "deleted": dev.overlay.deleted}})
            devices.append(LabDevice(name=dev.name, kind="snmp-sim", address=dev.address,
                                     ports={"snmp": port}, protocols=["snmp"],
                                     credentials=names, platform=Path(dev.base_key).stem,
                                     role=dev.role, recording=dev.base_key, facts=facts))
    engine_id = "80001f8804" + config.prefix.encode().hex()
    _spawn_python(state_dir, "snmp-agent", "lab.snmp_agent", {
        "engine_id": engine_id, "credentials_file": str(credentials_file),
        "devices": entries})
    return devices


def restart_snmp_agent(state_dir: Path, *, fast: bool) -> int:
    """Start the running lab's SNMP agent again with its fast responder on or off (the
    benchmark compares the two on the same devices); returns the new agent's PID."""
    state_dir = state_dir.resolve()
    found = manifest.load(state_dir)
    if found is None or "snmp-agent" not in found.processes:
        raise LabStartError(f"{state_dir}: no lab with an SNMP agent is running there")
    spec_file = state_dir / "snmp-agent.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    for record in procs.read_records(state_dir):
        if record.name == "snmp-agent":
            procs.stop(record)
    _spawn_python(state_dir, "snmp-agent", "lab.snmp_agent", {**spec, "fast": fast})
    pid = next(r.pid for r in procs.read_records(state_dir) if r.name == "snmp-agent")
    manifest.save(found.model_copy(update={"processes": {**found.processes,
                                                          "snmp-agent": pid}}), state_dir)
    return pid


def _start_ssh(config: LabConfig, state_dir: Path, data_dirs: tuple[Path, ...],
               keys: dict[str, Path], credentials_file: Path) -> list[LabDevice]:
    root = cli_dir(data_dirs) or cli_dir(default_data_dirs())
    if root is None:
        raise LabStartError("no CLI recordings (<data>/cli/<platform>/...) for the SSH devices")
    platforms, others = recorded_platforms(root)
    for folder in others:
        log.warning("%s: skipped, the lab has no simulator for platform %s (it simulates %s)",
                    root / folder, folder, ", ".join(PLATFORMS))
    if not platforms:
        return []
    addresses = _addresses(config.ssh.block, len(platforms))
    entries, devices = [], []
    names = [u.name for u in config.ssh.users]
    names += [f"{u.name}-key" for u in config.ssh.users if u.public_key]
    for platform, address in zip(platforms, addresses, strict=True):
        chosen = pick(catalog(root, platform), 0)
        outputs = {c: p.read_text(encoding="utf-8", errors="replace") for c, p in chosen.items()}
        hostname = parse_hostname(platform, outputs) or f"lab-{platform.replace('_', '-')}"
        name = f"ssh-{platform.replace('_', '-')}"
        commands = {c: str(p) for c, p in chosen.items()}
        entries.append({"name": name, "platform": platform, "address": address,
                        "port": config.ssh.port, "hostname": hostname, "commands": commands})
        devices.append(LabDevice(name=name, kind="ssh-sim", address=address,
                                 ports={"ssh": config.ssh.port}, protocols=["ssh"],
                                 credentials=names, platform=platform,
                                 facts={"hostname": hostname, "commands": commands}))
    _spawn_python(state_dir, "ssh-sim", "lab.ssh_sim", {
        "host_key": str(keys["host"]), "credentials_file": str(credentials_file),
        "devices": entries})
    return devices


def _linux_devices(config: LabConfig, hosts: list[netns.LinuxHost]) -> list[LabDevice]:
    user = config.netns.user.name
    return [
        LabDevice(name=h.hostname, kind="linux-host", address=h.address,
                  ports={"ssh": 22, "snmp": 161}, protocols=["ssh", "snmp"],
                  credentials=[user, f"{user}-key", *_snmp_credential_names(config)],
                  platform="linux",
                  facts={"hostname": h.hostname, "machine_id": h.machine_id,
                         "namespace": h.namespace})
        for h in hosts
    ]


def _spawn_python(state_dir: Path, name: str, module: str, spec: dict[str, Any]) -> None:
    ready = state_dir / f"{name}.ready"
    ready.unlink(missing_ok=True)
    spec_file = state_dir / f"{name}.json"
    manifest.write_private(spec_file, json.dumps({**spec, "ready_file": str(ready)}))
    project = str(Path(__file__).resolve().parent.parent)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": project}
    record = procs.spawn(state_dir, name, [sys.executable, "-m", module, str(spec_file)], env)
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready.exists():
        if not record.alive:
            log = (state_dir / "logs" / f"{name}.log").read_text(errors="replace")[-1500:]
            raise LabStartError(f"{name} exited during start-up; its log ends:\n{log}")
        if time.monotonic() > deadline:
            raise LabStartError(f"{name} not ready after {READY_TIMEOUT:.0f} s")
        time.sleep(0.05)


def _wait_tcp(address: str, port: int, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((address, port), timeout=1.0):
                return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise LabStartError(f"{what} not reachable on {address}:{port}: {exc}") from exc
            time.sleep(0.1)
