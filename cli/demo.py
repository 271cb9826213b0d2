"""`cmdb demo`: Neo4j, the sample estate, the device lab and a discovery of it, in one go,
then the GraphQL API served on 127.0.0.1 until Ctrl-C (`--no-serve`: not served).

A step that fails ends the demo with one error naming the step, what is left running and
how to stop it; what the demo started stays up for a look (and for a second try).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from cli.base import console, graph
from cli.db import db_up
from cli.demo_api import serve_demo
from cli.discover import run_discovery
from cli.errors import EXPLAINED, explain
from cmdb import dbms
from cmdb.config import Config, load_config
from cmdb.connection import bolt_uri
from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor
from cmdb.queries.report import best_connected_device, count_cis

DEMO_JOB = Path(__file__).resolve().parent.parent / "discovery" / "jobs" / "lab.yaml"
DEMO_JOB_COPY = Path(".cmdb") / "demo-lab-job.yaml"


class DemoError(CMDBError):
    """A step of the demo failed; the message says which, and what still runs."""


class _Step:
    """What the demo is doing now, for the message when it fails."""

    what = "reading the configuration"


def demo(
    no_lab: Annotated[
        bool, typer.Option("--no-lab", help="the sample estate only: no lab, no discovery")
    ] = False,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="end when the graph is ready (for scripts)")
    ] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="the API's port")] = 8000,
) -> None:
    """Start Neo4j and the device lab, discover the lab, add the sample estate's business
    side (sites, services, owners, contracts), show where to look, and serve the GraphQL
    API on 127.0.0.1 until Ctrl-C (Neo4j and the lab stay up)."""
    step = _Step()
    try:
        config = load_config()
        example = _run(no_lab, step)
    except EXPLAINED as exc:
        cause = explain(exc, "cmdb demo")
        raise DemoError(f"`cmdb demo` failed {step.what}: {cause}. {_left_running()}") from None
    lab_lines = (
        (
            f"  .venv/bin/cmdb discover {DEMO_JOB_COPY} --secrets {_lab_secrets_file()}"
            "   (a second run: what changed since the first)\n"
            "  Stop the lab: .venv/bin/cmdb lab down\n"
        )
        if not no_lab
        else ""
    )
    console.print(
        "Look at it:\n"
        f"  .venv/bin/cmdb ci show {example}\n"
        f"  .venv/bin/cmdb ci history {example}\n"
        "  .venv/bin/cmdb ci set hq-core-01 os_version=17.12.1 --reason 'upgrade'\n"
        f"{lab_lines}"
        f"  Neo4j Bolt: {bolt_uri(config)} (user neo4j, password in "
        f"{dbms.password_file(config.data_dir)})\n"
        "  Stop Neo4j: .venv/bin/cmdb db down"
    )
    if no_serve:
        return
    step.what = "serving the GraphQL API"
    try:
        serve_demo(port)
    except EXPLAINED as exc:
        cause = explain(exc, "cmdb demo")
        raise DemoError(f"`cmdb demo` failed {step.what}: {cause}. {_left_running()}") from None
    console.print(f"{_left_running()}.")


def _run(no_lab: bool, step: _Step) -> str:
    """The demo's steps; returns the name of a CI to look at."""
    from cli.sample import sample_estate

    step.what = "starting Neo4j and applying the schema"
    db_up()
    step.what = "loading the sample estate"
    with graph() as (config, schema, driver):
        r = Ingestor(driver, schema, config).ingest(sample_estate())
    console.print(f"sample estate: {r.created} CIs created, {r.links_opened} links opened")
    example = "hq-core-01"
    if not no_lab:
        example = _discovery(step) or example
    step.what = "counting the CIs"
    with graph() as (config, _schema, driver):
        counts = count_cis(driver)
    table = Table("class", "status", "CIs")
    for count in counts:
        table.add_row(count.class_name, count.status, str(count.cis))
    console.print(table)
    return example


def _discovery(step: _Step) -> str | None:
    """The lab up (embedded defaults), then discovery/jobs/lab.yaml over every device it
    serves. Returns the host name of a discovered device to show."""
    import lab
    from discovery.credentials import DEFAULT_MEMORY_FILE, CredentialMemory, CredentialResolver
    from discovery.jobs import Job, load_job
    from lab.cli import warnings_shown
    from lab.config import DEFAULT_STATE_DIR, LabOptions
    from lab.errors import NetnsUnavailableError
    from lab.sources import lab_data_dir

    step.what = "finding the lab's recordings"
    lab_data_dir()  # named at once when missing, before anything of the lab starts
    step.what = "starting the device lab"
    console.print("starting the device lab (the first time unpacks the recordings: minutes)")
    with warnings_shown():
        try:
            manifest = lab.up(LabOptions(state_dir=DEFAULT_STATE_DIR))
        except NetnsUnavailableError as exc:
            console.print(f"[yellow]lab without namespace hosts: {exc}[/yellow]")
            manifest = lab.up(LabOptions(state_dir=DEFAULT_STATE_DIR, linux=False))
    console.print(f"lab up: {len(manifest.devices)} devices")
    step.what = f"discovering the lab ({DEMO_JOB.name})"
    base = load_job(DEMO_JOB)
    # the job file's protocols and credentials, over exactly the devices the lab serves
    job = Job.model_validate(
        {
            **base.model_dump(),
            "targets": sorted(
                {d.address for d in manifest.devices},
                key=lambda a: tuple(int(x) for x in a.split(".")),
            ),
        }
    )
    DEMO_JOB_COPY.parent.mkdir(parents=True, exist_ok=True)
    DEMO_JOB_COPY.write_text(  # the job as run, to run again by hand
        f"# {DEMO_JOB.name} over the devices the lab serves (written by `cmdb demo`)\n"
        + yaml.safe_dump(job.model_dump(mode="json", exclude_defaults=True), sort_keys=False),
        encoding="utf-8",
    )
    resolver = CredentialResolver(secrets_file=Path(manifest.secrets_file))
    run_discovery(job, resolver, CredentialMemory(DEFAULT_MEMORY_FILE))
    with graph() as (_config, _schema, driver):
        return best_connected_device(driver)


def _lab_secrets_file() -> Path:
    """The secrets file the lab writes (its credentials by name), as the demo starts it."""
    from lab.config import DEFAULT_STATE_DIR
    from lab.manifest import SECRETS_FILE

    return DEFAULT_STATE_DIR / SECRETS_FILE


def _left_running() -> str:
    """What runs now of what the demo starts, and how to stop each."""
    import lab
    from lab.config import DEFAULT_STATE_DIR

    running = []
    try:
        config: Config | None = load_config()
    except CMDBError:
        config = None
    if config is not None and not config.neo4j_uri and dbms.running_pid(config) is not None:
        running.append("Neo4j (stop it with `cmdb db down`)")
    found = lab.status(DEFAULT_STATE_DIR)
    if any(p.alive for p in found.processes):
        running.append("the device lab (stop it with `cmdb lab down`)")
    return f"Left running: {'; '.join(running)}" if running else "Nothing is left running"
