"""Jobs from the hub to a site: assigned at the centre, kept at the site.

Each site's server holds a stream `CMDB_JOBS_<SITE>` on `cmdb.jobs.<site>.>`, one
message per job (`cmdb.jobs.<site>.<job>`, the newest only). `cmdb hub assign` publishes
a job's YAML at the hub; the leaf link carries it to the site (the link's permissions let
site X receive `cmdb.jobs.X.>` only), whose stream stores it and acknowledges. The
collector reads its jobs from its own server, so it keeps running them while the link is
down. A job file names credentials by label only; the secrets stay in the site's
secrets file. Assigning needs the site linked (the stream's acknowledgement comes from
the site); an empty message withdraws a job.

The same stream carries the centre's requests to send a job's facts whole again
(`cmdb.jobs.<site>._resend.<job>`: no job name starts with `_`): the centre asks when a
run's hashes named snapshots it does not keep (its ledger was lost or restored), the
collector's next run of that job sends every device whole, then deletes the request.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import Error as JetStreamError
from nats.js.errors import NotFoundError

from cmdb.errors import CMDBError
from remote.client import connect
from remote.topology import JOBS_SUBJECT_ROOT, check_site_name, hub_reply_prefix, jobs_subject

RESEND = "_resend"


def resend_subject(site: str, job: str) -> str:
    """Where the centre asks `site` to send job `job`'s facts whole on its next run."""
    return jobs_subject(site, RESEND, *job.split("."))


def jobs_stream_name(site: str) -> str:
    return f"CMDB_JOBS_{check_site_name(site).upper().replace('-', '_')}"


async def ensure_jobs_stream(nc: NATS, site: str) -> None:
    """The site's jobs stream on the site's own server (idempotent)."""
    js = nc.jetstream()
    config = StreamConfig(
        name=jobs_stream_name(site), subjects=[jobs_subject(site)],
        retention=RetentionPolicy.LIMITS, storage=StorageType.FILE,
        max_msgs_per_subject=1, discard=DiscardPolicy.OLD,
    )  # fmt: skip
    try:
        await js.stream_info(config.name or "")
    except NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)


async def assign(hub_url: str, site: str, job: str, text: str, timeout: float = 10.0) -> int:
    """Publish `text` (a job's YAML; empty withdraws it) at the hub to the site; returns
    the sequence the site's jobs stream stored it at. The site's acknowledgement comes
    back on an inbox under `hub_reply_prefix(site)`, the only one its link may answer on."""
    return await _to_site(hub_url, site, job, jobs_subject(site, job), text, timeout)


async def _to_site(hub_url: str, site: str, job: str, subject: str, text: str,
                   timeout: float) -> int:  # fmt: skip
    """Publish `text` on `subject` at the hub and wait for the site's jobs stream to store
    it; its acknowledgement comes back under the one inbox prefix the link may answer on."""
    hub = await connect(hub_url, "the hub's", name="cmdb-assign",
                        inbox_prefix=hub_reply_prefix(site))
    try:
        return await _request(hub, site, job, subject, text, timeout)
    finally:
        await hub.close()


async def _request(hub: NATS, site: str, job: str, subject: str, text: str,
                   timeout: float) -> int:  # fmt: skip
    deadline = time.monotonic() + timeout
    while True:  # a just-created jobs stream's interest takes a moment to cross the link
        try:
            reply = await hub.request(subject, text.encode(), timeout=timeout)
            break
        except NoRespondersError:
            if time.monotonic() > deadline:
                raise CMDBError(f"site {site!r} did not take job {job!r}: nothing at the site "
                                "stores its jobs; is its collector set up (it creates the "
                                "site's jobs stream) and the site linked to the hub?") from None
            await asyncio.sleep(0.2)
        except (NatsError, TimeoutError) as exc:
            raise CMDBError(f"site {site!r} did not take job {job!r} ({type(exc).__name__}): "
                            "is its server running and linked to the hub?") from None
    try:
        ack = json.loads(reply.data)
        return int(ack["seq"])
    except (ValueError, KeyError, TypeError):
        raise CMDBError(f"site {site!r} answered job {job!r} with "
                        f"{reply.data[:200]!r}, not a stream acknowledgement") from None


@dataclass(frozen=True)
class SiteChannel:
    """What the site's jobs stream holds for its collector."""

    jobs: dict[str, str]  # job name -> YAML text (withdrawn jobs left out)
    resend: set[str]  # jobs the centre asked to have sent whole


async def read_site_channel(nc: NATS, site: str) -> SiteChannel:
    """The jobs assigned to `site` and the centre's requests to send jobs whole, read from
    the site's own server in one pass over its jobs stream."""
    js = nc.jetstream()
    stream = jobs_stream_name(site)
    try:
        info = await js.stream_info(stream, subjects_filter=jobs_subject(site))
    except NotFoundError:
        return SiteChannel({}, set())
    except (NatsError, JetStreamError) as exc:
        raise CMDBError(f"cannot read site {site!r}'s jobs ({exc})") from None
    channel = SiteChannel({}, set())
    prefix, resend_prefix = f"{JOBS_SUBJECT_ROOT}.{site}.", f"{jobs_subject(site, RESEND)}."
    for subject in sorted(info.state.subjects or {}):
        if subject.startswith(resend_prefix):
            channel.resend.add(subject.removeprefix(resend_prefix))
            continue
        message = await js.get_last_msg(stream, subject)
        text = (message.data or b"").decode("utf-8", "replace")
        if text.strip():
            channel.jobs[subject.removeprefix(prefix)] = text
    return channel


async def ask_resend(hub_url: str, site: str, job: str, timeout: float = 10.0) -> int:
    """At the hub: ask `site` to send `job`'s facts whole on its next run; returns the
    sequence the site's jobs stream stored the request at. A site that is away cannot
    take it (CMDBError): its next run whose hashes are unknown asks again."""
    return await _to_site(hub_url, site, job, resend_subject(site, job), "", timeout)


async def resend_done(nc: NATS, site: str, job: str) -> None:
    """At the site, after a run sent `job` whole: delete the request."""
    try:
        await nc.jetstream().purge_stream(jobs_stream_name(site),
                                          subject=resend_subject(site, job))  # fmt: skip
    except (NatsError, JetStreamError) as exc:
        raise CMDBError(f"cannot clear site {site!r}'s request for job {job!r} ({exc})") from None
