"""The shape of a multi-site deployment: names, subjects, server configs and streams.

Hub: one nats-server, JetStream domain `hub`, a loopback client port for the centre and a
leafnode port with mutual TLS. Each site's certificate maps (`verify_and_map`) to the
hub user `CN=<site>`, whose permissions are what the leaf link may carry: seen from that
user, "publish" is site -> hub and "subscribe" is hub -> site. Hub stream CMDB_INGEST has
no subjects of its own; it sources every site stream through that site's domain API.

Site: one nats-server, JetStream domain `site-<site>`, a loopback client port for the
collector and a leafnode remote dialling OUT to the hub (nothing inbound). Site stream
CMDB_SITE_<SITE> holds `cmdb.site.<site>.>`.

Pitfalls met (nats-server 2.15):
- Sourced site streams use LIMITS retention with a max age, never work-queue or interest:
  with those, messages went as soon as a consumer acknowledged or lost interest, and were
  lost across outages (nats-server issues 3207, 4109). `ensure_site_stream` refuses them.
- The hub stream must not listen on `cmdb.site.>` itself: a publish at a site would then
  reach it twice (over the leaf link and through the source).
- Different JetStream domains on both ends keep each server's `$JS.API` local; only
  `$JS.<domain>.API` crosses the link, and the leaf user must be allowed to receive the
  hub's requests on it and to send the replies and sourced messages back.
- Duplicates: a site stream drops a second message with the same `Nats-Msg-Id` within its
  duplicate window; the window is local to the site, so an outage does not shorten it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remote.pki import site_user

SITE_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
HUB_DOMAIN = "hub"
HUB_STREAM = "CMDB_INGEST"
INGEST_DURABLE = "cmdb-ingest"
SITE_SUBJECT_ROOT = "cmdb.site"
JOBS_SUBJECT_ROOT = "cmdb.jobs"
DELIVER_SUBJECT_ROOT = "cmdb.deliver"
INBOX_SUBJECT_ROOT = "cmdb.inbox"
# the hub's inbox for a site's answers (its jobs stream acknowledging an assignment)
REPLY_SUBJECT_ROOT = "cmdb.reply"
DAY = 24 * 3600.0


class TopologyError(ValueError):
    """A site name, setting or existing stream that the deployment cannot use."""


def check_site_name(site: str) -> str:
    """`site` itself when it is a usable site name, else a TopologyError naming it."""
    if not isinstance(site, str) or not SITE_NAME_RE.fullmatch(site):
        raise TopologyError(
            f"site name {site!r} is not valid: use 1 to 32 lower-case letters, digits "
            "and dashes, starting and ending with a letter or digit"
        )
    return site


def site_domain(site: str) -> str:
    return f"site-{check_site_name(site)}"


def site_stream_name(site: str) -> str:
    return f"CMDB_SITE_{check_site_name(site).upper()}"


def site_subject(site: str, *parts: str) -> str:
    """`cmdb.site.<site>.<parts...>`; with no parts, the site's wildcard `...<site>.>`."""
    return _subject(SITE_SUBJECT_ROOT, site, parts)


def jobs_subject(site: str, *parts: str) -> str:
    """`cmdb.jobs.<site>.<parts...>`; with no parts, the site's wildcard `...<site>.>`."""
    return _subject(JOBS_SUBJECT_ROOT, site, parts)


def subject_site(subject: str) -> str | None:
    """The site of a `cmdb.site.<site>...` subject (None for any other subject). The hub's
    permissions let a site publish only on its own, so this, not a message's body, says
    which site sent it."""
    root = SITE_SUBJECT_ROOT + "."
    return subject[len(root):].split(".", 1)[0] if subject.startswith(root) else None


def _subject(root: str, site: str, parts: Sequence[str]) -> str:
    check_site_name(site)
    for part in parts:
        if not part or any(char in part for char in ".*> \t\r\n"):
            raise TopologyError(f"subject token {part!r} is empty or holds . * > or spaces")
    return ".".join([root, site, *parts]) if parts else f"{root}.{site}.>"


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class HubSettings:
    """The hub's server and its stream. `leaf_host` 0.0.0.0 in production: the sites
    dial in. `max_ack_pending` bounds what the centre holds unacknowledged."""

    store_dir: Path
    tls: TlsFiles
    sites: tuple[str, ...]
    client_port: int = 4222
    leaf_port: int = 7422
    leaf_host: str = "0.0.0.0"  # noqa: S104 - the sites must reach it
    monitor_port: int | None = None
    max_age: float = 7 * DAY
    duplicate_window: float = 3600.0
    max_ack_pending: int = 1000
    ack_wait: float = 60.0
    # None: a client on the hub's loopback port is the centre without credentials
    centre_password: str | None = None

    def __post_init__(self) -> None:
        for site in self.sites:
            check_site_name(site)
        _check_positive("max_ack_pending", self.max_ack_pending)
        _check_positive("max_age", self.max_age)


@dataclass(frozen=True)
class SiteSettings:
    """One site's server and stream. `hub_leaf_urls` are the hub's leafnode addresses
    (`tls://hub.example:7422`); `link_enabled` False keeps the leaf remote configured but
    not connected (the site keeps storing locally)."""

    site: str
    store_dir: Path
    tls: TlsFiles
    hub_leaf_urls: tuple[str, ...]
    client_port: int = 4222
    monitor_port: int | None = None
    max_age: float = 7 * DAY
    duplicate_window: float = 3600.0
    max_bytes: int = -1
    link_enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_site_name(self.site)
        _check_positive("max_age", self.max_age)
        _check_positive("duplicate_window", self.duplicate_window)
        if self.duplicate_window > self.max_age:
            raise TopologyError("duplicate_window must not exceed max_age")


def _check_positive(name: str, value: float) -> None:
    if value <= 0:
        raise TopologyError(f"{name} must be positive, got {value!r}")


def site_inbox_prefix(site: str) -> str:
    """The inbox prefix a site's clients use (nats-py `inbox_prefix`) for replies from
    the hub: the site's leaf may receive these, not the hub's own `_INBOX.>`."""
    return f"{INBOX_SUBJECT_ROOT}.{check_site_name(site)}"


def hub_reply_prefix(site: str) -> str:
    """The inbox prefix a hub client uses (nats-py `inbox_prefix`) for answers from site
    `site` (`cmdb hub assign`): the site's leaf may send these, not to the hub's
    `_INBOX.>`, which `allow_responses` does not open across a leaf link."""
    return f"{REPLY_SUBJECT_ROOT}.{check_site_name(site)}"


def site_leaf_permissions(site: str) -> dict[str, Any]:
    """What site `site`'s leaf link may carry, seen from its hub user: publish is
    site -> hub, subscribe is hub -> site. Beyond the site's own subjects: the hub's
    JetStream talks to the site's domain API (requests in, `$JSC.R.` replies out), the
    sourced messages come back on the site's deliver prefix, flow control goes in, and
    the site answers the hub on `hub_reply_prefix(site)` (`allow_responses` does not
    carry across a leaf link, so replies need a subject of their own)."""
    domain_api = f"$JS.{site_domain(site)}.API"
    stream = site_stream_name(site)
    return {
        "publish": {"allow": [site_subject(site), f"{DELIVER_SUBJECT_ROOT}.{site}.>",
                              "$JSC.R.>", f"{hub_reply_prefix(site)}.>"]},
        "subscribe": {"allow": [jobs_subject(site), f"{site_inbox_prefix(site)}.>",
                                f"{domain_api}.>", f"$JS.FC.{stream}.>",
                                f"$JS.FC.{site_domain(site)}.>"]},
    }


def hub_config(settings: HubSettings) -> dict[str, Any]:
    centre: dict[str, Any] = {"user": "centre"}
    if settings.centre_password is not None:
        centre["password"] = settings.centre_password
    users: list[dict[str, Any]] = [centre]
    users += [
        {"user": site_user(site), "permissions": site_leaf_permissions(site)}
        for site in settings.sites
    ]
    config: dict[str, Any] = {
        "server_name": HUB_DOMAIN,
        "listen": f"127.0.0.1:{settings.client_port}",
        "jetstream": {"store_dir": str(settings.store_dir), "domain": HUB_DOMAIN},
        "accounts": {"CMDB": {"jetstream": "enabled", "users": users}},
        "leafnodes": {
            "listen": f"{settings.leaf_host}:{settings.leaf_port}",
            "tls": {
                "ca_file": str(settings.tls.ca_file),
                "cert_file": str(settings.tls.cert_file),
                "key_file": str(settings.tls.key_file),
                "verify_and_map": True,
                "timeout": 5,
            },
        },
    }
    if settings.centre_password is None:
        config["no_auth_user"] = "centre"
    if settings.monitor_port is not None:
        config["http"] = f"127.0.0.1:{settings.monitor_port}"
    return config


def site_config(settings: SiteSettings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "server_name": site_domain(settings.site),
        "listen": f"127.0.0.1:{settings.client_port}",
        "jetstream": {"store_dir": str(settings.store_dir),
                      "domain": site_domain(settings.site)},
        "leafnodes": {
            "reconnect": "1s",
            "remotes": [{
                "urls": list(settings.hub_leaf_urls),
                "tls": {
                    "ca_file": str(settings.tls.ca_file),
                    "cert_file": str(settings.tls.cert_file),
                    "key_file": str(settings.tls.key_file),
                    "timeout": 5,
                },
                "disabled": not settings.link_enabled,
            }],
        },
        **settings.extra,
    }
    if settings.monitor_port is not None:
        config["http"] = f"127.0.0.1:{settings.monitor_port}"
    return config


def write_hub_config(settings: HubSettings, path: Path) -> Path:
    return _write_config(path, hub_config(settings))


def write_site_config(settings: SiteSettings, path: Path) -> Path:
    return _write_config(path, site_config(settings))


def _write_config(path: Path, config: dict[str, Any]) -> Path:
    """nats-server reads JSON as its config syntax: quoting and escaping come for free."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path
