"""The exception tree of the core, drawn in one place.

Every error carries the context a user needs to act (which file and line, which
observation and field, which CI); none ever carries a credential.
"""

from __future__ import annotations


class CMDBError(Exception):
    """Base of every error the core raises on purpose."""


class ConfigError(CMDBError):
    """cmdb.yaml or a CMDB_* variable is wrong."""


class DBMSError(CMDBError):
    """The local Neo4j DBMS could not be built, started, stopped or reached."""


class DBMSLostError(DBMSError):
    """The database went away while a command was using it (killed, stopped)."""


class SchemaError(CMDBError):
    """A schema file is invalid. The message names the file, the line and the reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class MigrationError(CMDBError):
    """A schema migration failed or the live graph is ahead of this code."""


class ObservationError(CMDBError):
    """An observation is invalid. Names the change set, the observation and the field."""

    def __init__(self, where: str, field: str | None, reason: str) -> None:
        self.where = where
        self.field = field
        self.reason = reason
        at = f"{where}, field {field!r}" if field else where
        super().__init__(f"{at}: {reason}")


class LoadFileError(CMDBError):
    """A YAML/JSON observation file could not be read. Names the file (and line)."""


class NotFoundError(CMDBError):
    """No CI (or other record) matches what was asked for."""


class AmbiguousError(CMDBError):
    """A name matches several CIs; the caller must use a uid."""


class ManualEditError(CMDBError):
    """A manual edit was refused (no reason given, unknown attribute, bad value)."""
