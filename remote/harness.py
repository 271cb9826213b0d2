"""A hub and N site NATS servers on loopback, for tests and benchmarks.

`Deployment` makes the PKI and the configs in one directory, starts every server, creates
the streams and waits until each site's leaf link is up and the hub sources it. A site's
link is cut by reloading its server with the leaf remote disabled (SIGHUP): the site
server keeps running, so its collector keeps publishing into the site stream, exactly as
when the WAN link is down. `stop()` ends every server it started, by PID, even after a
failure half-way through `start()`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import logging
import random
import socket
import threading
import time
import urllib.request
from collections.abc import Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import nats
from nats.aio.client import Client as NATS

from remote.broker import BrokerError, NatsServer
from remote.pki import KeyPair, Pki, issue_site_certificate, make_pki
from remote.streams import ensure_hub_stream, ensure_site_stream
from remote.topology import (
    HUB_STREAM,
    HubSettings,
    SiteSettings,
    TlsFiles,
    check_site_name,
    site_domain,
    site_stream_name,
    write_hub_config,
    write_site_config,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
LINK_TIMEOUT = 60.0


EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_ports_given: set[int] = set()
_ports_lock = threading.Lock()


def _port_choices() -> range:
    """Ports below the kernel's ephemeral range (32768-60999 by default), where no
    outgoing connection is given a port, so none can take one between our choosing it
    and a server binding it."""
    try:
        low = int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(max(1024, low - 12000), low)


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A loopback TCP port no process listens on, never the same twice in this process
    (the kernel's own choice can repeat: a hub once got one port for clients and leaf
    links, and died on the second bind)."""
    with _ports_lock:
        choices = _port_choices()
        for _ in range(1000):
            port = random.choice(choices)
            if port not in _ports_given and _bindable(port):
                _ports_given.add(port)
                return port
    raise BrokerError(f"no free loopback port in {choices.start}-{choices.stop - 1}")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from sync code, even when called inside a running loop
    (then on a worker thread with its own loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def connect(url: str, name: str = "cmdb") -> NATS:
    """A client that reconnects for ever (a broker restart is routine, not an error: its
    connection errors are logged at debug level, not as nats-py's error tracebacks)."""

    async def note(error: Exception) -> None:
        log.debug("nats client %s at %s: %s", name, url, error)

    return await nats.connect(
        url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.25,
        connect_timeout=5, error_cb=note,
    )


class Deployment:
    """Hub + sites on loopback under `directory`; use as a context manager."""

    def __init__(self, directory: Path, sites: Sequence[str], *, max_ack_pending: int = 1000,
                 site_max_age: float = 7 * 24 * 3600.0, duplicate_window: float = 3600.0) -> None:
        self.directory = directory
        self.sites = tuple(check_site_name(site) for site in sites)
        self.pki: Pki = make_pki(directory / "pki", self.sites)
        self.hub_settings = HubSettings(
            store_dir=directory / "hub" / "jetstream",
            tls=TlsFiles(self.pki.ca_file, self.pki.hub.cert_file, self.pki.hub.key_file),
            sites=self.sites,
            client_port=free_port(),
            leaf_port=free_port(),
            leaf_host="127.0.0.1",
            monitor_port=free_port(),
            max_ack_pending=max_ack_pending,
            duplicate_window=duplicate_window,
        )
        self.hub = NatsServer(write_hub_config(self.hub_settings, directory / "hub" / "hub.conf"),
                              self.hub_settings.client_port, name="hub")
        self.site_max_age = site_max_age
        self.site_settings: dict[str, SiteSettings] = {}
        self.site_servers: dict[str, NatsServer] = {}
        for site in self.sites:
            self._make_site(site, self.pki.sites[site])

    def _make_site(self, site: str, pair: KeyPair) -> NatsServer:
        settings = SiteSettings(
            site=site,
            store_dir=self.directory / site / "jetstream",
            tls=TlsFiles(self.pki.ca_file, pair.cert_file, pair.key_file),
            hub_leaf_urls=(f"tls://127.0.0.1:{self.hub_settings.leaf_port}",),
            client_port=free_port(),
            monitor_port=free_port(),
            max_age=self.site_max_age,
            duplicate_window=self.hub_settings.duplicate_window,
        )
        self.site_settings[site] = settings
        server = NatsServer(write_site_config(settings, self._site_config_path(site)),
                            settings.client_port, name=site_domain(site))
        self.site_servers[site] = server
        return server

    @property
    def hub_url(self) -> str:
        return self.hub.client_url

    def site_url(self, site: str) -> str:
        return self.site_servers[site].client_url

    def _site_config_path(self, site: str) -> Path:
        return self.directory / site / "site.conf"

    def servers(self) -> list[NatsServer]:
        return [self.hub, *self.site_servers.values()]

    def start(self, timeout: float = LINK_TIMEOUT) -> Deployment:
        try:
            for server in self.servers():
                server.start()
            for server in self.servers():
                server.wait_ready(timeout)
            self.wait_links(self.sites, timeout)
            run_async(self._ensure_streams())
            run_async(self.wait_sourced(timeout))
        except BaseException:
            self.stop()
            raise
        return self

    async def _ensure_streams(self) -> None:
        for site in self.sites:
            client = await connect(self.site_url(site))
            try:
                await ensure_site_stream(client, site, self.site_settings[site])
            finally:
                await client.close()
        client = await connect(self.hub_url)
        try:
            await ensure_hub_stream(client, self.sites, self.hub_settings)
        finally:
            await client.close()

    def stop(self) -> None:
        errors: list[BaseException] = []
        for server in reversed(self.servers()):
            try:
                server.stop()
            except Exception as error:  # noqa: BLE001 - stop the others, then raise
                errors.append(error)
        if errors:
            raise BrokerError(f"could not stop every server: {errors}")

    def leaf_names(self) -> set[str]:
        """The server names of every leaf linked to the hub now (its /leafz page)."""
        url = f"http://127.0.0.1:{self.hub_settings.monitor_port}/leafz"
        with urllib.request.urlopen(url, timeout=5) as response:
            page = json.load(response)
        return {str(leaf.get("name")) for leaf in page.get("leafs") or []}

    def linked_sites(self) -> set[str]:
        """Sites whose leaf link the hub sees now."""
        names = self.leaf_names()
        return {site for site in self.sites if site_domain(site) in names}

    def wait_links(self, sites: Sequence[str], timeout: float = LINK_TIMEOUT,
                   up: bool = True) -> None:
        deadline = time.monotonic() + timeout
        wanted = set(sites)
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                linked = self.linked_sites()
            except OSError:
                linked = set()
            if (wanted <= linked) if up else not (wanted & linked):
                return
            time.sleep(0.1)
        state = "up" if up else "down"
        raise BrokerError(f"leaf links of {sorted(wanted)} not {state} after {timeout:.0f}s")

    def _check_alive(self) -> None:
        """Raise at once, with its log's last lines, when a server we started has died."""
        for server in self.servers():
            if server.exited:
                raise BrokerError(f"nats-server {server.name} exited: see {server.log_path}\n"
                                  f"{server.log_tail()}")

    async def wait_sourced(self, timeout: float = LINK_TIMEOUT) -> None:
        """Wait until the hub stream reports every site source active without error."""
        client = await connect(self.hub_url)
        try:
            js = client.jetstream()
            deadline = time.monotonic() + timeout
            while True:
                self._check_alive()
                info = await js.stream_info(HUB_STREAM)
                pending = {source.name for source in info.sources or []
                           if source.error or source.active is None or source.active < 0}
                missing = {site_stream_name(site) for site in self.sites} - {
                    source.name for source in info.sources or []}
                if not pending and not missing:
                    return
                if time.monotonic() > deadline:
                    raise BrokerError(f"hub not sourcing {sorted(pending | missing)}: "
                                      f"{info.sources}")
                await asyncio.sleep(0.1)
        finally:
            await client.close()

    def add_site(self, site: str, timeout: float = LINK_TIMEOUT) -> None:
        """Bring a new site in while the others run: a certificate from the same CA, its
        user in the hub's config (reloaded, other links stay up), its server, its stream
        and a source on the hub."""
        site = check_site_name(site)
        if site in self.sites:
            raise BrokerError(f"site {site} is already in the deployment")
        pair = issue_site_certificate(self.pki, site)
        self.sites = (*self.sites, site)
        self.hub_settings = dataclasses.replace(self.hub_settings, sites=self.sites)
        write_hub_config(self.hub_settings, self.hub.config_path)
        self.hub.reload()
        server = self._make_site(site, pair)
        server.start()
        server.wait_ready(timeout)
        self.wait_links([site], timeout)
        run_async(self._ensure_streams())
        run_async(self.wait_sourced(timeout))

    def _set_link(self, site: str, enabled: bool) -> None:
        settings = dataclasses.replace(self.site_settings[site], link_enabled=enabled)
        self.site_settings[site] = settings
        write_site_config(settings, self._site_config_path(site))
        self.site_servers[site].reload()

    def cut_site(self, site: str, timeout: float = LINK_TIMEOUT) -> None:
        """Sever the site's leaf link; its server keeps running and storing locally."""
        self._set_link(site, False)
        self.wait_links([site], timeout, up=False)

    def restore_site(self, site: str, timeout: float = LINK_TIMEOUT) -> None:
        self._set_link(site, True)
        self.wait_links([site], timeout)

    def stop_hub(self) -> None:
        """Stop the hub (every site's link goes down with it; the sites keep storing)."""
        self.hub.stop()

    def start_hub(self, timeout: float = LINK_TIMEOUT) -> None:
        """Start the hub again and wait until every site has dialled back in."""
        self.hub.start()
        self.hub.wait_ready(timeout)
        self.wait_links(self.sites, timeout)

    def restart_hub(self, timeout: float = LINK_TIMEOUT) -> None:
        self.stop_hub()
        self.start_hub(timeout)

    def __enter__(self) -> Deployment:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
