"""Cypher by concern: the bookkeeping property names, and named queries per concern
(history, identify, lifecycle, runs; report: summaries for people; migrations: the schema's
migration records; server: what Neo4j says of itself). Writes are generated in cmdb.write
from schema/."""
