"""The JetStream streams and the centre's consumer: each site's stream on its own server,
the hub's CMDB_INGEST sourcing them, and the durable pull consumer `cmdb-ingest`.

Pitfalls met (nats-server 2.15, nats-py 2.16):
- A sourced site stream uses LIMITS retention with a max age, never work-queue or
  interest: the hub's source consumer acks nothing (ack policy none, flow control), so
  messages would go, or be lost during an outage (nats-server issues 3207, 4109).
  `ensure_site_stream` refuses to adopt a stream with another retention.
- CMDB_INGEST has no subjects of its own: listening on `cmdb.site.>` too would store a
  publish made while the link is up twice (over the leaf link and through the source).
- The hub sources through a DURABLE consumer on the site (`cmdb-hub`, ack policy
  flow_control, pushing to `cmdb.deliver.<site>.hub`, a subject the site's leaf
  permissions name). With the default ephemeral source consumer, a restarted hub sends
  its create request before the leaf links are back and waits 30 s for an answer
  (srcConsumerWaitTime), so catching up took ~40 s; a durable one is reset in seconds.
  The site stream and its consumer must exist before the hub stream binds to them.
- A pull fetch raises while the client reconnects after a hub restart; the durable
  consumer is on disk, so `IngestConsumer.fetch` returns [] and the next fetch resumes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DiscardPolicy,
    ExternalStream,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    StreamConsumerSource,
    StreamSource,
)
from nats.js.errors import NotFoundError

from remote.topology import (
    DAY,
    DELIVER_SUBJECT_ROOT,
    HUB_STREAM,
    INGEST_DURABLE,
    SITE_SUBJECT_ROOT,
    HubSettings,
    TopologyError,
    check_site_name,
    site_domain,
    site_stream_name,
    site_subject,
)


class StreamLimits(Protocol):
    """What a stream keeps: `SiteSettings`, `HubSettings` or `Limits` (a collector or the
    centre setting up streams without a server's whole settings)."""

    @property
    def max_age(self) -> float: ...

    @property
    def duplicate_window(self) -> float: ...


class SiteStreamLimits(StreamLimits, Protocol):
    @property
    def max_bytes(self) -> int: ...


@dataclass(frozen=True)
class Limits:
    max_age: float = 7 * DAY
    duplicate_window: float = 3600.0
    max_bytes: int = -1


SOURCE_CONSUMER = "cmdb-hub"
SOURCE_HEARTBEAT_SECONDS = 1.0


def site_stream_config(site: str, settings: SiteStreamLimits) -> StreamConfig:
    return StreamConfig(
        name=site_stream_name(site),
        subjects=[site_subject(site)],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=settings.max_age,
        max_bytes=settings.max_bytes,
        duplicate_window=settings.duplicate_window,
    )


async def ensure_site_stream(nc: NATS, site: str, settings: SiteStreamLimits) -> None:
    """Create or update the site's stream on the site's own server (idempotent)."""
    js = nc.jetstream()
    wanted = site_stream_config(site, settings)
    try:
        existing = await js.stream_info(wanted.name or "")
    except NotFoundError:
        await js.add_stream(wanted)
    else:
        if existing.config.retention != RetentionPolicy.LIMITS:
            raise TopologyError(
                f"stream {wanted.name} has {existing.config.retention} retention; the hub "
                "sources it, so it must be limits retention (delete and recreate it)"
            )
        await js.update_stream(wanted)
    await ensure_source_consumer(nc, site)


def source_deliver_subject(site: str) -> str:
    """Where the site's durable source consumer pushes to (across the leaf link)."""
    return f"{DELIVER_SUBJECT_ROOT}.{check_site_name(site)}.hub"


async def ensure_source_consumer(nc: NATS, site: str) -> None:
    """Create the durable push consumer `cmdb-hub` on the site's stream, through which the
    hub sources it (idempotent). Its ack policy `flow_control` is not in nats-py's enum,
    hence the raw API request. Its `num_pending` is the site's backlog for the hub."""
    stream = site_stream_name(site)
    request = {
        "stream_name": stream,
        "config": {
            "durable_name": SOURCE_CONSUMER,
            "deliver_subject": source_deliver_subject(site),
            "deliver_policy": "all",
            "ack_policy": "flow_control",
            "flow_control": True,
            "idle_heartbeat": int(SOURCE_HEARTBEAT_SECONDS * 1e9),
        },
    }
    reply = await nc.request(f"$JS.API.CONSUMER.CREATE.{stream}.{SOURCE_CONSUMER}",
                             json.dumps(request).encode(), timeout=10)
    answer = json.loads(reply.data)
    if "error" in answer:
        raise TopologyError(
            f"site {site}: cannot create the hub's source consumer {SOURCE_CONSUMER} on "
            f"{stream}: {answer['error'].get('description', answer['error'])}"
        )


async def site_backlog(nc: NATS, site: str) -> int:
    """How many of the site's stored messages the hub has not taken yet (the `num_pending`
    of its source consumer, asked of the site's own server): 0 once a buffer drained."""
    stream = site_stream_name(site)
    reply = await nc.request(f"$JS.API.CONSUMER.INFO.{stream}.{SOURCE_CONSUMER}", b"",
                             timeout=10)
    answer = json.loads(reply.data)
    if "error" in answer:
        raise TopologyError(
            f"site {site}: no source consumer {SOURCE_CONSUMER} on {stream}: "
            f"{answer['error'].get('description', answer['error'])}"
        )
    return int(answer.get("num_pending", 0))


def hub_source(site: str) -> StreamSource:
    """The hub's source for one site: through the site's domain API, bound to the site's
    durable consumer (a hub restart resumes it with a reset, in seconds, where an
    ephemeral source consumer waited ~40 s for its create request to time out)."""
    return StreamSource(
        name=site_stream_name(site),
        external=ExternalStream(api=f"$JS.{site_domain(site)}.API"),
        consumer=StreamConsumerSource(name=SOURCE_CONSUMER,
                                      deliver_subject=source_deliver_subject(site)),
    )


async def ensure_hub_stream(nc: NATS, sites: Sequence[str], settings: StreamLimits) -> None:
    """Create or update CMDB_INGEST sourcing every site in `sites` (idempotent: adding a
    site later adds its source). Sources already there are kept: a site leaves the hub
    only by an explicit stream update, never because a caller forgot it."""
    js = nc.jetstream()
    wanted_sites = sorted({check_site_name(site) for site in sites})
    try:
        existing = await js.stream_info(HUB_STREAM)
    except NotFoundError:
        sources: list[StreamSource] = []
        create = True
    else:
        sources = list(existing.config.sources or [])
        create = False
    # a wanted site's source is (re)written to today's form in its place; other sources
    # stay as they are; new sites come last
    wanted = {site_stream_name(site): hub_source(site) for site in wanted_sites}
    known = {source.name for source in sources}
    sources = [wanted.get(source.name, source) for source in sources]
    sources += [source for name, source in wanted.items() if name not in known]
    config = StreamConfig(
        name=HUB_STREAM,
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=settings.max_age,
        duplicate_window=settings.duplicate_window,
        sources=sources,
    )
    if create:
        await js.add_stream(config)
    else:
        await js.update_stream(config)


def ingest_consumer_config(max_ack_pending: int, ack_wait: float) -> ConsumerConfig:
    """The centre's durable pull consumer on CMDB_INGEST (`cmdb hub ingest` and the tests):
    explicit acks, at most `max_ack_pending` out, redelivered after `ack_wait` seconds."""
    return ConsumerConfig(
        durable_name=INGEST_DURABLE,
        ack_policy=AckPolicy.EXPLICIT,
        max_ack_pending=max_ack_pending,
        ack_wait=ack_wait,
        filter_subject=f"{SITE_SUBJECT_ROOT}.>",
    )


class IngestConsumer:
    """The centre's durable pull consumer on CMDB_INGEST, across reconnects.

    At most `max_ack_pending` messages are out unacknowledged: past that, fetch returns
    nothing new until the centre acks (back-pressure). A message not acked within
    `ack_wait` is delivered again, so the ingest must be idempotent (it is: message ids
    and content hashes)."""

    def __init__(self, js: JetStreamContext, settings: HubSettings) -> None:
        self.js = js
        self.settings = settings
        self._subscription: JetStreamContext.PullSubscription | None = None

    async def subscribe(self) -> IngestConsumer:
        self._subscription = await self.js.pull_subscribe(
            f"{SITE_SUBJECT_ROOT}.>", durable=INGEST_DURABLE, stream=HUB_STREAM,
            config=ingest_consumer_config(self.settings.max_ack_pending,
                                          self.settings.ack_wait),
        )
        return self

    async def fetch(self, batch: int = 100, timeout: float = 5.0) -> list[Msg]:
        """Up to `batch` messages, or [] when none came within `timeout` or the hub is
        away (the client reconnects on its own; call again)."""
        if self._subscription is None:
            await self.subscribe()
        assert self._subscription is not None
        try:
            return await self._subscription.fetch(batch, timeout=timeout)
        except (TimeoutError, nats.errors.ConnectionReconnectingError,
                nats.errors.StaleConnectionError):
            # nats-py raises asyncio's TimeoutError (the builtin) as well as its own
            return []
        except NotFoundError:
            # the consumer is gone (the hub lost its store): make it again
            self._subscription = None
            await self.subscribe()
            return []

    async def unsubscribe(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()
            self._subscription = None


async def ingest_consumer(js: JetStreamContext, settings: HubSettings) -> IngestConsumer:
    """The centre's durable pull consumer `cmdb-ingest` (created when missing)."""
    return await IngestConsumer(js, settings).subscribe()
