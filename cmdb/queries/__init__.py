"""Cypher by concern: the bookkeeping property names, and named read queries per concern
(history, identify, lifecycle, runs). Writes are generated in cmdb.write from schema/."""
