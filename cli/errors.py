"""What a user reads when a `cmdb` command fails: one line that says what to do, never a
traceback. A lost database gets its own advice: what was not written, and how to go on."""

from __future__ import annotations

import os

import neo4j
import typer
from typer.core import TyperGroup

from cmdb.config import load_config
from cmdb.connection import bolt_uri
from cmdb.errors import CMDBError, ConfigError, DBMSLostError
from lab.errors import LabError

# the database went away under a running command (the driver's words after its retries,
# or ours for the local DBMS: cmdb.connection)
LOST = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, DBMSLostError)
# what a command fails with on purpose or by its surroundings; anything else is a bug and
# keeps its traceback
EXPLAINED = (CMDBError, LabError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError,
             OSError)  # fmt: skip


def command_words(app: typer.Typer, argv: list[str]) -> str:
    """The command a command line runs: `cmdb ci set` for `ci set web-01 ...`."""
    command = typer.main.get_command(app)
    words = ["cmdb"]
    for arg in argv:
        if not isinstance(command, TyperGroup) or arg not in command.commands:
            break
        words.append(arg)
        command = command.commands[arg]
    return " ".join(words)


def explain(exc: BaseException, command: str) -> str:
    """One line for one failure of `command` (an EXPLAINED exception)."""
    if isinstance(exc, neo4j.exceptions.IncompleteCommit):
        return (f"{_where()} went away while `{command}` committed a change set: it may or may "
                f"not be stored (each change set is one transaction, whole or absent); "
                f"{_restart()}, then run the same command again (what is stored already is "
                "left unchanged)")  # fmt: skip
    if isinstance(exc, LOST):
        return (f"{_where()} went away during `{command}`: the change set in flight was not "
                "written (each change set is one transaction; those reported as written are "
                f"stored); {_restart()}, then run the same command again")  # fmt: skip
    if isinstance(exc, neo4j.exceptions.Neo4jError):
        return f"Neo4j refused `{command}`: {exc.message or exc}"
    if isinstance(exc, neo4j.exceptions.DriverError):
        return f"the Neo4j driver failed `{command}`: {exc}"
    return str(exc) or type(exc).__name__


def _where() -> str:
    try:
        return f"Neo4j at {bolt_uri(load_config())}"
    except ConfigError:
        return "Neo4j"


def _restart() -> str:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return f"check the server at {uri} (NEO4J_URI)"
    return "start it with `cmdb db up`"
