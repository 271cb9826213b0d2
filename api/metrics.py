"""/metrics: the API's Prometheus metrics, in a registry of the app's own (never the
process-global one, so two apps in one process keep apart). Names in the README."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import Response

MAX_OPERATIONS = 200  # distinct operation names kept as labels; later ones count as "other"
OTHER = "other"


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cmdb_api_requests", "GraphQL requests by operation name and HTTP status",
            ["operation", "status"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "cmdb_api_request_duration_seconds", "GraphQL request latency by operation name",
            ["operation"], registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "cmdb_api_errors", "GraphQL errors answered, by operation name",
            ["operation"], registry=self.registry,
        )  # fmt: skip
        self.db_queries = Counter(
            "cmdb_api_db_queries", "Neo4j queries run for GraphQL requests, by operation name",
            ["operation"], registry=self.registry,
        )  # fmt: skip
        self.db_latency = Histogram(
            "cmdb_api_db_query_duration_seconds", "Time of each Neo4j query of a request",
            registry=self.registry,
        )  # fmt: skip
        self._operations: set[str] = set()

    def observe_query(self, seconds: float) -> None:
        """`api.db.Db`'s observer: one Neo4j query done."""
        self.db_latency.observe(seconds)

    def observe_request(
        self, operation: str, status: int, seconds: float, errors: int, queries: int
    ) -> None:
        label = self._label(operation)
        self.requests.labels(label, str(status)).inc()
        self.latency.labels(label).observe(seconds)
        if errors:
            self.errors.labels(label).inc(errors)
        if queries:
            self.db_queries.labels(label).inc(queries)

    def _label(self, operation: str) -> str:
        """The operation's name as a label; a client cannot grow the registry without
        bound by naming every request differently."""
        if operation in self._operations:
            return operation
        if len(self._operations) >= MAX_OPERATIONS:
            return OTHER
        self._operations.add(operation)
        return operation

    async def endpoint(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
