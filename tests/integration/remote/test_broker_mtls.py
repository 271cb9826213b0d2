"""The hub's leafnode port demands a client certificate from its own CA: a leaf with a
certificate from another CA, or with none, never links (and so never sources)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from remote.broker import NatsServer
from remote.harness import Deployment, free_port
from remote.pki import issue_site_certificate, make_pki
from remote.topology import SiteSettings, TlsFiles, site_config

GENEROUS = 120.0


REFUSALS = {
    "foreign-ca": "TLS leafnode handshake error: tls: failed to verify certificate",
    "no-cert": "TLS leafnode handshake error: tls: client didn't provide a certificate",
    "unknown-site": "authentication error",
}


def refusals(deployment: Deployment, reason: str) -> int:
    log = deployment.hub.log_path.read_text(errors="replace")
    return sum(1 for line in log.splitlines() if reason in line)


def intruder(deployment: Deployment, directory: Path, case: str) -> NatsServer:
    """A site server named "intruder" dialling the hub with a certificate from a CA of
    its own, with none at all, or with one from our CA for a site the hub does not know.
    It trusts the hub's real CA, so only the hub's check of the client can stop it."""
    if case == "unknown-site":
        pair = issue_site_certificate(deployment.pki, "intruder")
    else:
        pair = make_pki(directory / "pki", ["intruder"]).sites["intruder"]
    settings = SiteSettings(
        site="intruder",
        store_dir=directory / "jetstream",
        tls=TlsFiles(deployment.pki.ca_file, pair.cert_file, pair.key_file),
        hub_leaf_urls=(f"tls://127.0.0.1:{deployment.hub_settings.leaf_port}",),
        client_port=free_port(),
    )
    config = site_config(settings)
    if case == "no-cert":
        tls = config["leafnodes"]["remotes"][0]["tls"]
        del tls["cert_file"], tls["key_file"]
    path = directory / "intruder.conf"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config))
    return NatsServer(path, settings.client_port, name="intruder")


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_leaf_without_a_site_certificate_from_our_ca_is_refused(
    deployment: Deployment, tmp_path: Path, case: str,
) -> None:
    reason = REFUSALS[case]
    before = refusals(deployment, reason)
    server = intruder(deployment, tmp_path / "intruder", case)
    with server:
        deadline = time.monotonic() + GENEROUS
        while refusals(deployment, reason) < before + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        after = refusals(deployment, reason)
        linked = deployment.linked_sites()
        leaf_names = deployment.leaf_names()

    assert after >= before + 2, f"the hub never refused the intruder ({reason})"
    assert "site-intruder" not in leaf_names
    assert linked == {"a", "b"}
