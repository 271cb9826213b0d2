"""Scheduled runs ((:ScheduledRun {task, kind, due, started_at, ended_at, error, skipped})):
one node per run the scheduler started (cmdb/schedule.py), read back at start-up to find
the ticks missed while no scheduler was running. Indexed on (task, due)."""

from __future__ import annotations

# The newest tick each task ran for (null: never ran); one seek per task on the index (a
# composite index is read with a predicate on each of its properties).
LAST_DUES = """
UNWIND $tasks AS task
CALL (task) {
  MATCH (r:ScheduledRun) WHERE r.task = task AND r.due IS NOT NULL
  RETURN max(r.due) AS due
}
RETURN task, due
"""

RECORD_RUN = "CREATE (r:ScheduledRun) SET r = $props"

# A task's runs, newest tick first.
READ_RUNS = """
MATCH (r:ScheduledRun) WHERE r.task = $task AND r.due IS NOT NULL
RETURN properties(r) AS p
ORDER BY r.due DESC
LIMIT $limit
"""
