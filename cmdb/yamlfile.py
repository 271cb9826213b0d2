"""YAML (and JSON) reading with bounded memory that remembers line numbers.

Every YAML or JSON file a user hands us is read here: errors name file and line, and a
hostile file gets one clear error, not the machine's memory. A file is read up to
MAX_FILE_BYTES; aliases are refused (a 600-byte "billion laughs" expands to gigabytes);
collections nest at most MAX_DEPTH deep; a file holds at most MAX_NODES values.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError

MAX_FILE_BYTES = 10 * 2**20
MAX_DEPTH = 64
MAX_NODES = 1_000_000  # values (scalars and collections): ~0.6 KB each while read


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows its own line and each key's line (1-based)."""

    __slots__ = ("key_lines", "line")
    line: int
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A list from YAML that knows its own line and each item's line (1-based)."""

    __slots__ = ("item_lines", "line")
    line: int
    item_lines: list[int]


if yaml.__with_libyaml__:  # libyaml scans ~5x faster than PyYAML; the composing stays ours

    class _SafeLoader(Composer, yaml.CSafeLoader):
        """libyaml's events, composed by PyYAML's composer (extended by _Loader below)."""

        def __init__(self, stream: str) -> None:
            yaml.CSafeLoader.__init__(self, stream)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]


class _Loader(_SafeLoader):
    """A safe loader whose composer refuses aliases, deep nesting and too many values."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _refused(event, f"aliases (*{event.anchor}) are not allowed")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _refused(event, f"more than {MAX_NODES:,} values in one file")
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise _refused(event, f"nested deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # a 2026-13-01, an int of 5,000 digits
            reason = f"unreadable value: {str(exc).split(';')[0]}"
            raise ConstructorError(None, None, reason, node.start_mark) from None


class _LimitExceeded(ComposerError):
    pass


def _refused(event: Any, reason: str) -> _LimitExceeded:
    return _LimitExceeded(None, None, reason, event.start_mark)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise ConstructorError(None, None, "a key must be a scalar", key_node.start_mark)
        if key in result:
            raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YAMLFileError(Exception):
    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


class InputLimitError(YAMLFileError):
    """A file over the input limits: its size, an alias, its depth, its number of values.

    The reason quotes nothing of the file but an alias's name.
    """


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a file of at most `limit` bytes (a pipe or /dev/zero stops there too)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
            status = os.fstat(fh.fileno())
        if len(data) > limit:
            size = status.st_size if stat.S_ISREG(status.st_mode) else None
            raise InputLimitError(str(path), None, _too_big(size, limit))
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YAMLFileError(str(path), None, f"cannot read: {exc}") from None


def _too_big(size: int | None, limit: int) -> str:
    what = f"{size:,} bytes" if size is not None else f"more than {limit:,} bytes"
    return f"{what}, over the input limit of {limit:,} bytes ({limit / 2**20:g} MiB)"


def load_yaml(path: Path) -> Any:
    """Parse a YAML (or JSON) file into LineDict/LineList; errors name file and line."""
    return load_yaml_text(read_bounded(path), str(path))


def load_json(path: Path) -> Any:
    """Parse a JSON file within the size limit; nesting Python's json cannot follow is
    refused (its RecursionError). Errors name the file and line, never a value."""
    text = read_bounded(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise YAMLFileError(str(path), exc.lineno, exc.msg) from None
    except RecursionError:
        raise InputLimitError(str(path), None, "nested too deeply") from None
    except ValueError as exc:  # an int of 5,000 digits
        raise YAMLFileError(str(path), None, str(exc).split(":")[0]) from None


def load_yaml_text(text: str, name: str) -> Any:
    if len(text) > MAX_FILE_BYTES:  # characters: each is at least one byte
        raise InputLimitError(name, None, _too_big(None, MAX_FILE_BYTES))
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _LimitExceeded as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise InputLimitError(name, line, str(exc.problem)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = str(exc.problem or exc)
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            reason += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise YAMLFileError(name, line, reason) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text.encode("utf-8")[: exc.position].count(b"\n") + 1  # libyaml counts bytes
        raise YAMLFileError(name, line, f"character #x{exc.character:04x}: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise YAMLFileError(name, None, str(exc)) from None


def line_of(document: Any, loc: Sequence[Any]) -> int | None:
    """The line of the deepest node along `loc` (a pydantic error location)."""
    line: int | None = getattr(document, "line", None) or None
    node = document
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
