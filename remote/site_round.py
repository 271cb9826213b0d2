"""One round of a site's collector: read the site's jobs from its own server, run each
(remote.collector), say how each went. One failing job never stops the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from nats.aio.client import Client as NATS

from cmdb.errors import CMDBError
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run_stop import StopRequest
from remote.client import connect
from remote.collector import SentLedger, SiteRun, run_site_job
from remote.jobs_channel import SiteChannel, ensure_jobs_stream, read_site_channel, resend_done
from remote.publisher import SitePublisher
from remote.settings import CollectorSettings
from remote.streams import Limits, ensure_site_stream
from remote.topology import TopologyError

T = TypeVar("T")


async def with_client(url: str, action: Callable[[NATS], Awaitable[T]],
                      what: str = "the site's") -> T:  # fmt: skip
    """`action` on a connection to `url`, closed after."""
    nc = await connect(url, what)
    try:
        return await action(nc)
    finally:
        await nc.close()


async def _set_up_and_read_jobs(nc: NATS, settings: CollectorSettings) -> SiteChannel:
    """The site's streams on its own server (idempotent: the first round creates them),
    then the jobs assigned to it and those the centre asked to have sent whole."""
    site = settings.site
    buffer = Limits(max_age=settings.buffer.total_seconds())
    try:
        await ensure_site_stream(nc, site, buffer)
    except TopologyError as exc:
        raise CMDBError(str(exc)) from None
    await ensure_jobs_stream(nc, site)
    return await read_site_channel(nc, site)


def run_round(settings: CollectorSettings, stop: StopRequest) -> Iterator[tuple[str, bool]]:
    """Run every job assigned to the site once; yields a line and success per job. A job
    the centre asked to have sent whole sends every device whole; its request is deleted
    once that run completed."""
    import asyncio

    site = settings.site
    channel = asyncio.run(with_client(settings.nats_url,
                                      lambda nc: _set_up_and_read_jobs(nc, settings)))
    texts, whole = channel.jobs, channel.resend
    if not texts:
        yield f"site {site}: no job assigned (cmdb hub assign JOB.yaml at the centre)", True
        return
    settings.jobs_dir.mkdir(parents=True, exist_ok=True)
    resolver = CredentialResolver(secrets_file=settings.secrets_file)
    memory = CredentialMemory(settings.memory_file)
    sent = SentLedger(settings.sent_file)
    with SitePublisher(settings.nats_url) as publisher:
        for name, text in sorted(texts.items()):
            if stop.requested:
                return
            path = settings.jobs_dir / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            asked = name in whole
            try:
                job = load_job(path)
                if asked:
                    sent.forget_job(name)
                run = run_site_job(job, site, publisher, resolver, memory, sent,
                                   resend_after=settings.resend_after, stop=stop)  # fmt: skip
                if asked and run.status == "completed":
                    asyncio.run(with_client(settings.nats_url,
                                            lambda nc, n=name: resend_done(nc, site, n)))  # type: ignore[misc]
            except CMDBError as exc:
                yield f"job {name}: failed: {exc}", False
                continue
            yield _said(run, asked), True


def _said(run: SiteRun, asked: bool) -> str:
    whole = f"{run.snapshots} sent whole" + (" (the centre asked for it)" if asked else "")
    return (f"job {run.job}: run {run.run_id} {run.status}: {run.answered} of {run.targets} "
            f"targets answered; {whole}, {run.unchanged} unchanged (hash only), "
            f"{len(run.gone)} gone")  # fmt: skip
