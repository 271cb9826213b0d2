"""The kit `cmdb hub init` writes and `cmdb hub add-site` extends: a site added later has
a certificate from the kit's CA and its own folder, the hub's config names it beside the
others, and the others' files are untouched; a bad request changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509

from remote.kit import KIT_FILE, KitError, KitPorts, add_sites, read_manifest, write_kit
from remote.pki import site_user


def files_of(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}  # fmt: skip


def hub_users(kit: Path) -> list[str]:
    config = json.loads((kit / "hub" / "hub.conf").read_text())
    return [user["user"] for user in config["accounts"]["CMDB"]["users"]]


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    directory = tmp_path / "kit"
    write_kit(directory, ["paris", "lyon"], "hub.example.net", KitPorts(4300, 7500, 4301))
    return directory


def test_a_site_added_later_is_signed_by_the_kits_ca_and_named_to_the_hub(kit: Path) -> None:
    before = files_of(kit)
    added = add_sites(kit, ["nice"])
    assert list(added.site_dirs) == ["nice"]
    folder = added.site_dirs["nice"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "ca.pem", "collector.yaml", "site-key.pem", "site.conf", "site.pem"]
    assert all((folder / name).stat().st_mode & 0o077 == 0
               for name in ("ca.pem", "site.pem", "site-key.pem"))  # fmt: skip
    ca = x509.load_pem_x509_certificate((kit / "pki" / "ca.pem").read_bytes())
    cert = x509.load_pem_x509_certificate((folder / "site.pem").read_bytes())
    assert cert.subject.rfc4514_string() == site_user("nice")
    cert.verify_directly_issued_by(ca)
    site = json.loads((folder / "site.conf").read_text())
    assert site["leafnodes"]["remotes"][0]["urls"] == ["tls://hub.example.net:7500"]
    assert site["listen"] == "127.0.0.1:4301"
    assert "site: nice" in (folder / "collector.yaml").read_text()
    assert hub_users(kit) == ["centre", "CN=paris", "CN=lyon", "CN=nice"]
    assert read_manifest(kit).sites == ("paris", "lyon", "nice")
    after = files_of(kit)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"hub/hub.conf", KIT_FILE}  # the first sites' files are untouched
    assert not any("ca-key" in name for name in after if name.startswith("sites/"))


def test_adding_a_site_again_or_a_bad_name_changes_nothing(kit: Path) -> None:
    before = files_of(kit)
    with pytest.raises(KitError, match="site lyon is in the kit already"):
        add_sites(kit, ["nice", "lyon"])
    with pytest.raises(KitError, match="site name 'Nice' is not valid"):
        add_sites(kit, ["Nice"])
    with pytest.raises(KitError, match="name each site once"):
        add_sites(kit, ["nice", "nice"])
    assert files_of(kit) == before


def test_a_kit_is_written_once(kit: Path) -> None:
    with pytest.raises(KitError, match="exists: a kit is written once"):
        write_kit(kit, ["nice"], "hub.example.net")


@pytest.mark.parametrize(("manifest", "complaint"), [
    (None, "kit.yaml not found: .* is not a kit written by `cmdb hub init`"),
    ("sites: [paris\n", "kit.yaml: cannot read it"),
    ("hub_address: h\nsites: [paris]\n", "kit.yaml: not a kit manifest"),
    ("hub_address: h\nports: {hub_client: x}\nsites: [paris]\n", "kit.yaml: not a kit manifest"),
    ("hub_address: h\nports: {}\nsites: [Paris]\n", "kit.yaml: not a kit manifest .*'Paris'"),
])  # fmt: skip
def test_a_missing_or_broken_manifest_is_named(tmp_path: Path, manifest: str | None,
                                               complaint: str) -> None:  # fmt: skip
    if manifest is not None:
        (tmp_path / KIT_FILE).write_text(manifest)
    with pytest.raises(KitError, match=complaint):
        add_sites(tmp_path, ["nice"])
    assert not (tmp_path / "sites").exists()


def test_a_kit_without_its_ca_cannot_grow(kit: Path) -> None:
    (kit / "pki" / "ca-key.pem").unlink()
    with pytest.raises(KitError, match=r"ca-key\.pem not found"):
        add_sites(kit, ["nice"])
    assert not (kit / "sites" / "nice").exists()
