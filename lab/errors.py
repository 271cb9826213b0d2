"""The lab's exception tree: every failure says which device, file or command."""


class LabError(Exception):
    """Base of every error the lab raises."""


class LabConfigError(LabError):
    """The lab configuration (YAML) is invalid, unreadable or over the input limits.

    The message names the file, the line and the field, never a secret.
    """


class RecordingError(LabError):
    """A recording (snmprec or CLI capture) cannot be read."""


class LabStartError(LabError):
    """A lab component did not start."""


class NetnsUnavailableError(LabError):
    """Network namespaces cannot be created on this machine."""
