"""A small private PKI for the NATS links: one CA, the hub's server certificate and one
client certificate per site (mutual TLS on the leafnode port).

The hub maps a site's client certificate to its NATS user by the certificate's subject
(`verify_and_map`), so the subject is exactly `CN=<site>` (see `site_user`): nothing else
in it, no e-mail or DNS names, which nats-server would try first. EC P-256 keys: quick to
make in tests, accepted by Go's TLS. Private keys are written chmod 600.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=825)


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, as PEM files."""

    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class Pki:
    """Where the PKI's files are: the CA certificate (its key stays beside it, for adding
    sites later), the hub's server pair and one client pair per site."""

    directory: Path
    ca_file: Path
    ca_key_file: Path
    hub: KeyPair
    sites: Mapping[str, KeyPair]


def site_user(site: str) -> str:
    """The hub's NATS user a site's certificate maps to (its subject, RFC 4514)."""
    return f"CN={site}"


def make_pki(directory: Path, sites: Sequence[str], hub_names: Sequence[str] = ()) -> Pki:
    """Create a CA, the hub's server certificate (valid for 127.0.0.1, localhost and
    `hub_names`) and one client certificate per site under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cmdb remote collectors CA")])
    now = datetime.datetime.now(datetime.UTC)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = _write_cert(directory / "ca.pem", ca_cert)
    ca_key_file = _write_key(directory / "ca-key.pem", ca_key)
    hub_sans: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
        *(x509.DNSName(name) for name in hub_names),
    ]
    hub = _issue(directory, "hub", "hub", ca_cert, ca_key, ExtendedKeyUsageOID.SERVER_AUTH,
                 hub_sans)
    site_pairs = {
        site: _issue(directory, f"site-{site}", site, ca_cert, ca_key,
                     ExtendedKeyUsageOID.CLIENT_AUTH, [])
        for site in sites
    }
    return Pki(directory=directory, ca_file=ca_file, ca_key_file=ca_key_file, hub=hub,
               sites=site_pairs)


def issue_site_certificate(pki: Pki, site: str) -> KeyPair:
    """A client certificate for a site added later, signed by the PKI's CA."""
    ca_cert = x509.load_pem_x509_certificate(pki.ca_file.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key_file.read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{pki.ca_key_file} is not an EC private key")
    return _issue(pki.directory, f"site-{site}", site, ca_cert, ca_key,
                  ExtendedKeyUsageOID.CLIENT_AUTH, [])


def _issue(
    directory: Path,
    stem: str,
    common_name: str,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    usage: x509.ObjectIdentifier,
    sans: list[x509.GeneralName],
) -> KeyPair:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return KeyPair(
        cert_file=_write_cert(directory / f"{stem}.pem", cert),
        key_file=_write_key(directory / f"{stem}-key.pem", key),
    )


def _write_cert(path: Path, cert: x509.Certificate) -> Path:
    _write_private(path, cert.public_bytes(serialization.Encoding.PEM))
    return path


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> Path:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(path, pem)
    return path


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to a file readable by its owner only, from its first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    path.chmod(0o600)
