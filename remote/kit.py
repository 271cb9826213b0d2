"""`cmdb hub init` and `cmdb hub add-site`: everything a deployment needs, in one folder,
for its owner to hand out.

    DIR/kit.yaml             what the kit was made with (hub address, ports, sites)
    DIR/pki/                 the CA (its key stays here), the hub's and each site's certificates
    DIR/hub/hub.conf         the hub's nats-server config (absolute paths: it runs here)
    DIR/sites/<site>/        one folder per site, to copy to the site's collector host:
        site.conf            its nats-server config (relative paths: run it in this folder)
        ca.pem, site.pem, site-key.pem   its certificate and key (mode 0600)
        collector.yaml       the collector's file (its secrets.yaml is the site's to write)

The site folders hold no other site's key and nothing of the CA's key. A site added later
gets a certificate from the same CA and the hub's config gains its user; the running hub
takes it on a reload, which keeps the other links up.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from remote.pki import KeyPair, Pki, issue_site_certificate, make_pki
from remote.topology import (
    HubSettings,
    SiteSettings,
    TlsFiles,
    TopologyError,
    check_site_name,
    write_hub_config,
    write_site_config,
)

KIT_FILE = "kit.yaml"


class KitError(ValueError):
    """A kit cannot be written or extended as asked; the message names the culprit."""


@dataclass(frozen=True)
class KitPorts:
    hub_client: int = 4222
    hub_leaf: int = 7422
    site_client: int = 4222


@dataclass(frozen=True)
class Kit:
    directory: Path
    hub_config: Path
    site_dirs: dict[str, Path]


@dataclass(frozen=True)
class KitManifest:
    """What `kit.yaml` holds: enough to add a site the way the first ones were made."""

    hub_address: str
    ports: KitPorts
    sites: tuple[str, ...]


def write_kit(directory: Path, sites: Sequence[str], hub_address: str,
              ports: KitPorts = KitPorts()) -> Kit:  # fmt: skip
    """Write a deployment's certificates and configs under `directory` (which must not
    hold one already)."""
    names = _check_names(sites)
    if (directory / "pki").exists():
        raise KitError(f"{directory / 'pki'} exists: a kit is written once (its CA signs "
                       "every certificate); add sites to it with `cmdb hub add-site`")
    pki = make_pki(directory / "pki", names, hub_names=[hub_address])
    manifest = KitManifest(hub_address, ports, tuple(names))
    return _write(directory, manifest, pki, {site: pki.sites[site] for site in names})


def add_sites(directory: Path, sites: Sequence[str]) -> Kit:
    """Add sites to the kit under `directory`: a certificate each from its CA, a folder
    each, and the hub's config rewritten with every site (reload the running hub)."""
    names = _check_names(sites)
    manifest = read_manifest(directory)
    known = sorted(set(names) & set(manifest.sites))
    if known:
        raise KitError(f"site {known[0]} is in the kit already ({directory / KIT_FILE})")
    pki = _existing_pki(directory / "pki")
    pairs = {site: issue_site_certificate(pki, site) for site in names}
    grown = KitManifest(manifest.hub_address, manifest.ports, (*manifest.sites, *names))
    return _write(directory, grown, pki, pairs)


def read_manifest(directory: Path) -> KitManifest:
    path = directory / KIT_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KitError(f"{path} not found: {directory} is not a kit written by "
                       "`cmdb hub init`") from None
    except (OSError, yaml.YAMLError) as exc:
        raise KitError(f"{path}: cannot read it: {exc}") from None
    try:
        return _manifest_from(data)
    except (TypeError, KeyError, ValueError) as exc:
        raise KitError(f"{path}: not a kit manifest ({exc})") from None


def _manifest_from(data: Any) -> KitManifest:
    if not isinstance(data, dict) or not isinstance(data.get("ports"), dict):
        raise ValueError("expected hub_address, ports and sites")
    hub_address = data["hub_address"]
    sites = data["sites"]
    if not isinstance(hub_address, str) or not isinstance(sites, list):
        raise ValueError("hub_address must be text and sites a list")
    ports = KitPorts(**{name: int(value) for name, value in data["ports"].items()})
    return KitManifest(hub_address, ports, tuple(check_site_name(str(s)) for s in sites))


def _check_names(sites: Sequence[str]) -> list[str]:
    try:
        names = [check_site_name(site) for site in sites]
    except TopologyError as exc:
        raise KitError(str(exc)) from None
    if not names or len(set(names)) != len(names):
        raise KitError("name each site once (--site NAME, at least one)")
    return names


def _existing_pki(directory: Path) -> Pki:
    pki = Pki(directory=directory, ca_file=directory / "ca.pem",
              ca_key_file=directory / "ca-key.pem",
              hub=KeyPair(directory / "hub.pem", directory / "hub-key.pem"), sites={})  # fmt: skip
    for path in (pki.ca_file, pki.ca_key_file, pki.hub.cert_file, pki.hub.key_file):
        if not path.is_file():
            raise KitError(f"{path} not found: the kit's CA and hub certificate are needed "
                           "to add a site")
    return pki


def _write(directory: Path, manifest: KitManifest, pki: Pki, pairs: dict[str, KeyPair]) -> Kit:
    """The new sites' folders, then the hub's config with every site, then the manifest
    (last: a kit whose manifest names a site has all of that site's files)."""
    site_dirs = {site: _write_site(directory, site, pair, pki, manifest)
                 for site, pair in pairs.items()}  # fmt: skip
    ports = manifest.ports
    hub = HubSettings(
        store_dir=(directory / "hub" / "jetstream").resolve(),
        tls=TlsFiles(pki.ca_file.resolve(), pki.hub.cert_file.resolve(),
                     pki.hub.key_file.resolve()),
        sites=manifest.sites, client_port=ports.hub_client, leaf_port=ports.hub_leaf,
    )  # fmt: skip
    hub_config = write_hub_config(hub, directory / "hub" / "hub.conf")
    record = {"hub_address": manifest.hub_address, "ports": asdict(ports),
              "sites": list(manifest.sites)}  # fmt: skip
    (directory / KIT_FILE).write_text(
        "# written by cmdb hub init / add-site: add sites with cmdb hub add-site\n"
        + yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    return Kit(directory, hub_config, site_dirs)


def _write_site(directory: Path, site: str, pair: KeyPair, pki: Pki,
                manifest: KitManifest) -> Path:  # fmt: skip
    folder = directory / "sites" / site
    folder.mkdir(parents=True, exist_ok=True)
    for source, name in ((pki.ca_file, "ca.pem"), (pair.cert_file, "site.pem"),
                         (pair.key_file, "site-key.pem")):  # fmt: skip
        shutil.copyfile(source, folder / name)
        (folder / name).chmod(0o600)
    ports = manifest.ports
    settings = SiteSettings(
        site=site, store_dir=Path("jetstream"),
        tls=TlsFiles(Path("ca.pem"), Path("site.pem"), Path("site-key.pem")),
        hub_leaf_urls=(f"tls://{manifest.hub_address}:{ports.hub_leaf}",),
        client_port=ports.site_client,
    )  # fmt: skip
    write_site_config(settings, folder / "site.conf")
    collector = {"site": site, "nats": f"nats://127.0.0.1:{ports.site_client}",
                 "secrets": "secrets.yaml", "state_dir": "state",
                 "resend_after_hours": 24, "buffer_days": 7}  # fmt: skip
    (folder / "collector.yaml").write_text(
        f"# site {site}'s collector: cmdb collector run --site {site} --config collector.yaml\n"
        + yaml.safe_dump(collector, sort_keys=False), encoding="utf-8")
    return folder
