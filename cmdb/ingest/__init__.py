"""Ingest: a change set in, one transaction out, as a chain of stages.

validate -> resolve -> identify -> reconcile -> claims -> links -> coverage -> write:
each stage decides on values (cmdb.ingest.identify, reconcile, claims, links, coverage),
the pipeline (cmdb.ingest.pipeline) reads what they need through one GraphReader and
writes their assembled decisions with history (cmdb.write). The public entry is
`Ingestor.ingest(changeset)`; the rules are in docs/ingest.md.
"""

from cmdb.ingest.ingestor import Ingestor
from cmdb.ingest.result import IngestResult

__all__ = ["IngestResult", "Ingestor"]
