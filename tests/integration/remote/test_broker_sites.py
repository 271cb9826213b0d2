"""Sites come and go by name: a bad name is refused with a clear error, a site added to a
running deployment is sourced without disturbing the others, and re-running the stream
set-up changes nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from pathlib import Path

import pytest
from nats.js.api import RetentionPolicy, StreamConfig

from remote.broker import BrokerError, NatsServer
from remote.harness import Deployment, connect, free_port
from remote.pki import make_pki
from remote.streams import ensure_hub_stream, ensure_site_stream
from remote.topology import (
    HUB_STREAM,
    HubSettings,
    TlsFiles,
    TopologyError,
    check_site_name,
    jobs_subject,
    site_stream_name,
    site_subject,
    write_hub_config,
)
from tests.integration.remote.streams_reading import publish, wait_stored


@pytest.mark.parametrize("name", ["Paris", "paris.1", "-paris", "paris-", "", "p" * 33,
                                  "par is", "paris>", "*"])
def test_a_bad_site_name_is_refused_naming_it(name: str) -> None:
    with pytest.raises(TopologyError, match=r"site name .* is not valid") as refused:
        check_site_name(name)
    assert repr(name) in str(refused.value)
    with pytest.raises(TopologyError):
        site_subject(name)
    with pytest.raises(TopologyError):
        jobs_subject(name)


def test_good_site_names_and_their_subjects() -> None:
    assert [check_site_name(name) for name in ["paris", "dc-2", "7", "a" * 32]] == [
        "paris", "dc-2", "7", "a" * 32]
    assert site_subject("dc-2") == "cmdb.site.dc-2.>"
    assert site_subject("dc-2", "step", "run1") == "cmdb.site.dc-2.step.run1"
    assert jobs_subject("dc-2") == "cmdb.jobs.dc-2.>"
    assert site_stream_name("dc-2") == "CMDB_SITE_DC-2"
    with pytest.raises(TopologyError, match=r"subject token 'a\.b'"):
        site_subject("paris", "a.b")


def test_a_site_added_later_is_sourced_and_the_others_are_undisturbed(
    deployment: Deployment,
) -> None:
    subject_a = site_subject("a", "step", "r1")
    asyncio.run(publish(deployment.site_url("a"), subject_a, ["a-1"]))
    asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, {(subject_a, "a-1")}))

    deployment.add_site("c")
    assert deployment.linked_sites() == {"a", "b", "c"}

    subject_c = site_subject("c", "step", "r1")
    asyncio.run(publish(deployment.site_url("c"), subject_c, ["c-1"]))
    asyncio.run(publish(deployment.site_url("a"), subject_a, ["a-2"]))
    wanted = {(subject_a, "a-1"), (subject_a, "a-2"), (subject_c, "c-1")}
    at_hub = asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, wanted))
    assert sorted(at_hub) == sorted(wanted), "a's messages re-sourced, or c's missing"


def test_setting_up_the_streams_again_changes_nothing(deployment: Deployment) -> None:
    async def sources_and_configs() -> tuple[list[str], object, object]:
        hub = await connect(deployment.hub_url)
        site = await connect(deployment.site_url("a"))
        try:
            hub_info = await hub.jetstream().stream_info(HUB_STREAM)
            site_info = await site.jetstream().stream_info(site_stream_name("a"))
            return ([source.name for source in hub_info.config.sources or []],
                    hub_info.config, site_info.config)
        finally:
            await hub.close()
            await site.close()

    async def again() -> None:
        hub = await connect(deployment.hub_url)
        site = await connect(deployment.site_url("a"))
        try:
            # naming only site a must not drop b's source
            await ensure_hub_stream(hub, ["a"], deployment.hub_settings)
            await ensure_site_stream(site, "a", deployment.site_settings["a"])
        finally:
            await hub.close()
            await site.close()

    before = asyncio.run(sources_and_configs())
    asyncio.run(again())
    after = asyncio.run(sources_and_configs())
    assert sorted(before[0]) == ["CMDB_SITE_A", "CMDB_SITE_B"]
    assert sorted(after[0]) == sorted(before[0])
    assert after[1] == before[1]
    assert after[2] == before[2]


def test_a_work_queue_site_stream_is_not_adopted(deployment: Deployment) -> None:
    async def scenario() -> str:
        site = await connect(deployment.site_url("a"))
        try:
            js = site.jetstream()
            await js.delete_stream(site_stream_name("a"))
            await js.add_stream(StreamConfig(name=site_stream_name("a"),
                                             subjects=[site_subject("a")],
                                             retention=RetentionPolicy.WORK_QUEUE))
            try:
                await ensure_site_stream(site, "a", deployment.site_settings["a"])
            except TopologyError as refused:
                return str(refused)
            return "adopted"
        finally:
            await site.close()

    message = asyncio.run(scenario())
    assert "CMDB_SITE_A" in message and "limits retention" in message


def test_with_a_centre_password_the_hub_refuses_anonymous_clients(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki", ["a"])
    settings = HubSettings(
        store_dir=tmp_path / "js", tls=TlsFiles(pki.ca_file, pki.hub.cert_file, pki.hub.key_file),
        sites=("a",), client_port=free_port(), leaf_port=free_port(), leaf_host="127.0.0.1",
        centre_password="s3cret-for-test",
    )

    def attempt(port: int, credentials: dict[str, str]) -> str:
        """The server's first answer to a CONNECT (a raw socket: nats-py leaks its
        socket when a connect is refused)."""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn, \
                conn.makefile("rwb") as stream:
            stream.readline()  # INFO
            stream.write(b"CONNECT " + json.dumps({"verbose": False, **credentials}).encode()
                         + b"\r\nPING\r\n")
            stream.flush()
            return stream.readline().decode().strip()

    config = write_hub_config(settings, tmp_path / "hub.conf")
    with NatsServer(config, settings.client_port, name="hub") as hub:
        anonymous = attempt(hub.client_port, {})
        centre = attempt(hub.client_port, {"user": "centre", "pass": "s3cret-for-test"})
    assert centre == "PONG"
    assert "authorization violation" in anonymous.lower()


def test_a_server_that_died_is_reported_with_its_log_not_waited_for(
    deployment: Deployment,
) -> None:
    """A hub that exits (here killed by its PID) fails the next wait at once, naming the
    server and quoting its log, instead of a 'links not up' after the whole timeout."""
    hub_pid = deployment.hub.pid
    assert hub_pid is not None
    os.kill(hub_pid, signal.SIGKILL)
    with pytest.raises(BrokerError, match=r"nats-server hub exited: see .*hub\.log") as died:
        deployment.wait_links(deployment.sites, timeout=600.0)
    last_logged = deployment.hub.log_path.read_text().splitlines()[-1]
    assert last_logged in str(died.value)


def test_free_ports_are_distinct_and_outside_the_ephemeral_range() -> None:
    """The kernel's bind-to-0 choice can repeat; ours never does within a process, and
    lies below the range outgoing connections take their ports from."""
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert all(1024 <= port < low for port in ports)
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))
