"""`cmdb hub init`: everything a deployment needs, in one folder, for its owner to hand out.

    DIR/pki/                 the CA (its key stays here), the hub's and each site's certificates
    DIR/hub/hub.conf         the hub's nats-server config (absolute paths: it runs here)
    DIR/sites/<site>/        one folder per site, to copy to the site's collector host:
        site.conf            its nats-server config (relative paths: run it in this folder)
        ca.pem, site.pem, site-key.pem   its certificate and key (mode 0600)
        collector.yaml       the collector's file (its secrets.yaml is the site's to write)

The site folders hold no other site's key and nothing of the CA's key.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from remote.pki import make_pki
from remote.topology import (
    HubSettings,
    SiteSettings,
    TlsFiles,
    check_site_name,
    write_hub_config,
    write_site_config,
)


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


def write_kit(directory: Path, sites: Sequence[str], hub_address: str,
              ports: KitPorts = KitPorts()) -> Kit:  # fmt: skip
    """Write a deployment's certificates and configs under `directory` (which must not
    hold one already)."""
    names = [check_site_name(site) for site in sites]
    if not names or len(set(names)) != len(names):
        raise ValueError("name each site once (--site NAME, at least one)")
    if (directory / "pki").exists():
        raise FileExistsError(f"{directory / 'pki'} exists: a kit is written once (its CA "
                              "signs every certificate); add sites with a new kit or by hand")
    pki = make_pki(directory / "pki", names, hub_names=[hub_address])
    hub = HubSettings(
        store_dir=(directory / "hub" / "jetstream").resolve(),
        tls=TlsFiles(pki.ca_file.resolve(), pki.hub.cert_file.resolve(),
                     pki.hub.key_file.resolve()),
        sites=tuple(names), client_port=ports.hub_client, leaf_port=ports.hub_leaf,
    )  # fmt: skip
    hub_config = write_hub_config(hub, directory / "hub" / "hub.conf")
    site_dirs = {}
    for site in names:
        folder = directory / "sites" / site
        folder.mkdir(parents=True, exist_ok=True)
        pair = pki.sites[site]
        for source, name in ((pki.ca_file, "ca.pem"), (pair.cert_file, "site.pem"),
                             (pair.key_file, "site-key.pem")):  # fmt: skip
            shutil.copyfile(source, folder / name)
            (folder / name).chmod(0o600)
        settings = SiteSettings(
            site=site, store_dir=Path("jetstream"),
            tls=TlsFiles(Path("ca.pem"), Path("site.pem"), Path("site-key.pem")),
            hub_leaf_urls=(f"tls://{hub_address}:{ports.hub_leaf}",),
            client_port=ports.site_client,
        )  # fmt: skip
        write_site_config(settings, folder / "site.conf")
        collector = {"site": site, "nats": f"nats://127.0.0.1:{ports.site_client}",
                     "secrets": "secrets.yaml", "state_dir": "state",
                     "resend_after_hours": 24, "buffer_days": 7}  # fmt: skip
        (folder / "collector.yaml").write_text(
            f"# site {site}'s collector: cmdb collector run --site {site} --config "
            "collector.yaml\n"
            + yaml.safe_dump(collector, sort_keys=False), encoding="utf-8")
        site_dirs[site] = folder
    return Kit(directory, hub_config, site_dirs)
