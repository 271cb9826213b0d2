"""`cmdb collector run` (at a site) and `cmdb hub assign|ingest` (at the centre): remote
collectors on NATS JetStream (remote/). `cmdb discover` is untouched by any of it."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from cli.base import console, graph
from cmdb.errors import CMDBError

collector_app = typer.Typer(no_args_is_help=True, help="A site's collector (remote discovery).")
hub_app = typer.Typer(no_args_is_help=True, help="The centre's side of remote collectors.")

HubUrl = Annotated[str, typer.Option("--hub", help="the hub's NATS client URL")]
DEFAULT_HUB = "nats://127.0.0.1:4222"


@collector_app.command("run")
def collector_run(
    site: Annotated[str, typer.Option("--site", help="this collector's site")],
    config_file: Annotated[Path, typer.Option("--config", help="the collector's YAML file")],
    once: Annotated[bool, typer.Option("--once", help="run each job once, then exit")] = False,
    every: Annotated[
        float, typer.Option("--every", min=10, help="seconds between rounds (without --once)")
    ] = 1800.0,
) -> None:
    """Run the jobs the hub assigned to SITE and publish what they saw to the site's
    stream. Credentials come from the site's secrets file and never leave the site."""
    from discovery.run_stop import StopRequest, stop_on_signals
    from remote.settings import load_collector_settings
    from remote.site_round import run_round

    settings = load_collector_settings(config_file, site)
    stop = StopRequest()
    failed = False
    with stop_on_signals(stop):
        while not stop.requested:
            for line, ok in run_round(settings, stop):
                console.print(line, highlight=False)
                failed = failed or not ok
            if once or stop.wait(every):
                break
    if stop.requested:
        raise typer.Exit(stop.exit_code)
    if failed:
        raise typer.Exit(1)


@hub_app.command("assign")
def hub_assign(
    job_file: Annotated[Path, typer.Argument(help="a job naming its site", metavar="JOB.yaml")],
    hub: HubUrl = DEFAULT_HUB,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="take the job back")] = False,
) -> None:
    """Send a job (its YAML: credentials by label only) to the site it names."""
    from discovery.jobs import load_job
    from remote.jobs_channel import assign

    job = load_job(job_file)
    if job.site is None:
        raise CMDBError(f"{job_file}: job {job.name!r} names no site (add `site: NAME`)")
    text = "" if withdraw else job_file.read_text(encoding="utf-8")
    site, name = job.site, job.name
    seq = asyncio.run(assign(hub, site, name, text))
    what = "withdrawn from" if withdraw else "assigned to"
    console.print(f"job {name} {what} site {site} (its jobs stream, sequence {seq})")


@hub_app.command("init")
def hub_init(
    directory: Annotated[Path, typer.Argument(help="the kit's folder", metavar="DIR")],
    sites: Annotated[list[str], typer.Option("--site", help="a site's name (repeat per site)")],
    hub_address: Annotated[
        str, typer.Option("--hub-address", help="the host name the sites dial (in its certificate)")
    ],
    hub_client_port: Annotated[int, typer.Option("--hub-client-port", min=1, max=65535)] = 4222,
    leaf_port: Annotated[int, typer.Option("--leaf-port", min=1, max=65535)] = 7422,
    site_client_port: Annotated[int, typer.Option("--site-client-port", min=1, max=65535)] = 4222,
) -> None:
    """Write a deployment's kit: a CA and certificates, the hub's nats-server config, and a
    folder per site (its nats-server config, certificate, key and collector file)."""
    from remote.kit import KitError, KitPorts, write_kit

    try:
        kit = write_kit(directory, sites, hub_address,
                        KitPorts(hub_client_port, leaf_port, site_client_port))  # fmt: skip
    except KitError as exc:
        raise CMDBError(str(exc)) from None
    console.print(f"hub: nats-server --config {kit.hub_config}  (then: cmdb hub ingest "
                  + " ".join(f"--site {site}" for site in kit.site_dirs) + ")")  # fmt: skip
    _print_site_steps(kit.site_dirs)


@hub_app.command("add-site")
def hub_add_site(
    directory: Annotated[Path, typer.Argument(help="the kit's folder (from cmdb hub init)",
                                              metavar="DIR")],
    sites: Annotated[list[str], typer.Option("--site", help="a new site's name (repeat per site)")],
) -> None:
    """Add sites to a kit: a certificate each from the kit's CA, a folder each, and the
    hub's config rewritten with their users (reload the running hub to take them)."""
    from remote.kit import KitError, add_sites

    try:
        kit = add_sites(directory, sites)
    except KitError as exc:
        raise CMDBError(str(exc)) from None
    console.print(f"hub: {kit.hub_config} now names every site; reload the running hub "
                  "(kill -HUP <its pid>: the other links stay up), then: cmdb hub ingest "
                  + " ".join(f"--site {site}" for site in kit.site_dirs))  # fmt: skip
    _print_site_steps(kit.site_dirs)


def _print_site_steps(site_dirs: dict[str, Path]) -> None:
    for site, folder in site_dirs.items():
        console.print(f"site {site}: copy {folder} to its collector host; there, in that "
                      f"folder: nats-server --config site.conf, write secrets.yaml, then "
                      f"cmdb collector run --site {site} --config collector.yaml")  # fmt: skip


@hub_app.command("ingest")
def hub_ingest(
    hub: HubUrl = DEFAULT_HUB,
    state_dir: Annotated[
        Path, typer.Option("--state-dir", help="the centre's ledger of what it applied")
    ] = Path(".cmdb/centre"),
    until_idle: Annotated[
        float | None, typer.Option("--until-idle", min=1, help="exit after this many idle seconds")
    ] = None,
    max_ack_pending: Annotated[
        int, typer.Option("--max-ack-pending", min=1, help="messages held unacknowledged")
    ] = 1000,
    ack_wait: Annotated[
        float, typer.Option("--ack-wait", min=1, help="seconds before an unacknowledged "
                            "message (a crashed centre's) is delivered again")
    ] = 60.0,
    sites: Annotated[
        list[str] | None, typer.Option("--site", help="make the hub's stream source this "
                                       "site (repeat per site; idempotent)")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="a line per message")] = False,
) -> None:
    """Apply what the sites' collectors sent (the hub's stream) through the one ingest,
    and record their runs. Resumes where it stopped; Ctrl-C stops it in order."""
    from cmdb.ingest import Ingestor
    from discovery.run_stop import StopRequest, stop_on_signals
    from remote.centre import Centre
    from remote.consume import ConsumeOptions, consume, source_sites
    from remote.ledger import Ledger

    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    options = ConsumeOptions(max_ack_pending=max_ack_pending, ack_wait=ack_wait,
                             idle_exit=until_idle)
    stop = StopRequest()
    if sites:
        asyncio.run(source_sites(hub, sites))
    ledger = Ledger(state_dir / "ledger.sqlite")
    try:
        with graph() as (config, schema, driver), stop_on_signals(stop):
            centre = Centre(Ingestor(driver, schema, config), ledger)
            asyncio.run(consume(hub, centre, options, lambda: stop.requested))
    finally:
        ledger.close()
    t = centre.totals
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(t.outcomes.items())) or "nothing to apply"
    console.print(f"applied from {hub}: {outcomes}; {t.changesets} change sets, "
                  f"{t.created} created, {t.updated} updated, {t.went_absent} absent")  # fmt: skip
    if stop.requested:
        raise typer.Exit(stop.exit_code)
