"""The lab's YAML reading, bounded: a hostile lab file gets one clear error, not the memory.

A lab file is a page of YAML: it is read up to MAX_FILE_BYTES, aliases are refused (a
600-byte "billion laughs" expands to gigabytes) and collections nest at most MAX_DEPTH
deep. Errors name the file and line, and `line_of` finds the line of a field for
validation errors. (The core's `cmdb/yamlfile.py` does the same for its inputs; the lab
does not import `cmdb`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from lab.errors import LabConfigError

MAX_FILE_BYTES = 256 * 2**10
MAX_DEPTH = 32


class _Loader(yaml.SafeLoader):
    """A safe loader whose composer refuses aliases and deep nesting."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise _refused(event, f"aliases (*{event.anchor}) are not allowed")
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise _refused(event, f"nested deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _refused(event: Any, reason: str) -> ComposerError:
    return ComposerError(None, None, reason, event.start_mark)


def read_text(path: Path) -> str:
    """A lab file's text, read no further than MAX_FILE_BYTES."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise LabConfigError(
                f"{path}: over the limit of {MAX_FILE_BYTES:,} bytes for a lab file"
            )
        return data.decode("utf-8")
    except OSError as exc:
        raise LabConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LabConfigError(f"{path}: cannot read: not UTF-8 text") from None


def parse_yaml(text: str, where: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (which knows every line)."""
    if len(text) > MAX_FILE_BYTES:
        raise LabConfigError(f"{where}: over the limit of {MAX_FILE_BYTES:,} bytes")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LabConfigError(f"{where}{line}: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, ValueError):  # a bad character, a 2026-13-01: quoted no further
        raise LabConfigError(f"{where}: not valid YAML") from None
    finally:
        loader.dispose()


def line_of(node: yaml.Node | None, loc: Sequence[Any]) -> int:
    """The line (1-based) of the deepest node along `loc` (a pydantic error location)."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and part in range(len(node.value)):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
