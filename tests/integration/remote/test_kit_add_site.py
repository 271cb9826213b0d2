"""A site added to a running deployment with the CLI alone: `cmdb hub init` for one site,
the hub and that site's servers from the kit, then `cmdb hub add-site`, a reload of the
hub (SIGHUP to its PID) and the new site's server from its folder. Both sites' messages
reach the hub's stream: the new site's link is accepted and the first one's survived."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from remote.broker import NatsServer
from remote.consume import source_sites
from remote.harness import connect, free_port
from remote.streams import Limits, ensure_site_stream
from remote.topology import HUB_STREAM, site_subject
from tests.integration.remote.streams_reading import publish, wait_stored


def cmdb(*args: str, cwd: Path) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "cmdb"), *args], cwd=cwd,
                          env={**os.environ, "COLUMNS": "300"}, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def make_site_stream(url: str, site: str) -> None:
    client = await connect(url)
    try:
        await ensure_site_stream(client, site, Limits())
    finally:
        await client.close()


def test_a_site_added_with_the_cli_reaches_the_running_hub(tmp_path: Path) -> None:
    hub_port, leaf_port, paris_port, nice_port = (free_port() for _ in range(4))
    kit = tmp_path / "kit"
    cmdb("hub", "init", str(kit), "--site", "paris", "--hub-address", "127.0.0.1",
         "--hub-client-port", str(hub_port), "--leaf-port", str(leaf_port),
         "--site-client-port", str(paris_port), cwd=tmp_path)  # fmt: skip
    hub = NatsServer(kit / "hub" / "hub.conf", hub_port)
    paris = NatsServer(kit / "sites" / "paris" / "site.conf", paris_port)
    nice: NatsServer | None = None
    hub_url = f"nats://127.0.0.1:{hub_port}"
    try:
        for server in (hub, paris):
            server.start()
            server.wait_ready()
        said = cmdb("hub", "add-site", str(kit), "--site", "nice", cwd=tmp_path)
        assert "reload the running hub" in said and "cmdb hub ingest --site nice" in said, said
        assert "site nice: copy" in said, said
        hub.reload()
        folder = kit / "sites" / "nice"
        config = json.loads((folder / "site.conf").read_text())
        config["listen"] = f"127.0.0.1:{nice_port}"  # its own host's port 4222, on one machine
        (folder / "site.conf").write_text(json.dumps(config))
        nice = NatsServer(folder / "site.conf", nice_port)
        nice.start()
        nice.wait_ready()
        asyncio.run(make_site_stream(paris.client_url, "paris"))
        asyncio.run(make_site_stream(nice.client_url, "nice"))
        asyncio.run(source_sites(hub_url, ["paris", "nice"]))
        wanted = {(site_subject(site, "step", "r1"), f"{site}-1") for site in ("paris", "nice")}
        for server, site in ((paris, "paris"), (nice, "nice")):
            asyncio.run(publish(server.client_url, site_subject(site, "step", "r1"), [f"{site}-1"]))
        reached = asyncio.run(wait_stored(hub_url, HUB_STREAM, wanted))
        assert set(reached) == wanted
    finally:
        for server in (nice, paris, hub):
            if server is not None:
                server.stop()
