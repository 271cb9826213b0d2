"""The words a register uses, as data (headings.yaml, types.yaml beside this module):
headings -> fields, type words -> schema classes; and the normalisation both match on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from audits.register.errors import RegisterError
from cmdb.yamlfile import YAMLFileError, line_of, load_yaml

HERE = Path(__file__).parent
FIELDS = (
    "name", "type", "brand", "model", "config", "serial", "asset_tag", "hostname",
    "location", "room", "rack", "owner", "department", "purchase_date", "warranty_end",
    "contract", "remark",
)  # fmt: skip
POINT_FIELDS = ("point_id", "room", "switch", "port", "endpoint", "remark")
_NOISE = re.compile(r"[\s_\-./:()·]+")  # after NFKC: full-width forms are these


def normalize_text(value: str) -> str:
    """Full-width forms folded (a full-width SN or 123, full-width spaces: NFKC), spaces
    trimmed and runs of white space made one."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def heading_key(value: str) -> str:
    """What headings and type words are matched on: normalised, lower case, without
    spaces or punctuation ("Serial No." == "serial_no"; a full-width SN == "sn")."""
    return _NOISE.sub("", normalize_text(value).casefold())


@dataclass(frozen=True)
class TypeWord:
    cls: str
    kind: str | None
    zh: str
    en: str


@dataclass(frozen=True)
class Vocabulary:
    headings: dict[str, str]  # heading key -> field
    export_headings: dict[str, dict[str, str]]  # lang -> field -> heading
    types: dict[str, TypeWord]  # type word key -> its entry
    kind_attributes: dict[str, str]  # class -> the attribute its kind is kept in

    def with_mapping(self, mapping: dict[str, str]) -> Vocabulary:
        merged = dict(self.headings)
        merged.update({heading_key(h): f for h, f in mapping.items()})
        return Vocabulary(merged, self.export_headings, self.types, self.kind_attributes)

    def type_word(self, cls: str, kind: str | None, lang: str) -> str:
        """The word export writes for a class (and kind): the first entry that fits."""
        for entry in self.types.values():
            if entry.cls == cls and entry.kind == kind:
                return entry.zh if lang == "zh" else entry.en
        if kind is not None:
            return self.type_word(cls, None, lang)
        return cls


def _headings(file: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    document = load_yaml(HERE / file)
    headings: dict[str, str] = {}
    export: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    for field, words in document["fields"].items():
        for word in words:
            headings[heading_key(str(word))] = field
        export["zh"][field] = str(words[0])
        export["en"][field] = next(str(w) for w in words if str(w).isascii())
    return headings, export


@cache
def vocabulary() -> Vocabulary:
    """The words of a device register (headings.yaml, types.yaml)."""
    headings, export = _headings("headings.yaml")
    types_doc = load_yaml(HERE / "types.yaml")
    types: dict[str, TypeWord] = {}
    for entry in types_doc["types"]:
        words = entry["words"]
        word = TypeWord(entry["class"], entry.get("kind"), words["zh"], words["en"])
        for w in [word.zh, word.en, *entry["aliases"]]:
            types.setdefault(heading_key(str(w)), word)
    return Vocabulary(headings, export, types, dict(types_doc["kind_attributes"]))


@cache
def point_vocabulary() -> Vocabulary:
    """The words of an information-point table (points.yaml): headings only."""
    headings, export = _headings("points.yaml")
    return Vocabulary(headings, export, {}, {})


def read_mapping(path: Path, fields: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """A mapping file: `heading: field` pairs (YAML, optionally under `headings:`), each
    field one of FIELDS; a problem is one RegisterError naming the file and line."""
    if not path.is_file():
        raise RegisterError(f"{path}: no such mapping file")
    try:
        document: Any = load_yaml(path)
    except YAMLFileError as exc:
        raise RegisterError(f"mapping {exc}") from None
    if isinstance(document, dict) and set(document) == {"headings"}:
        document = document["headings"]
    if not isinstance(document, dict) or not document:
        raise RegisterError(f"{path}:1: a mapping is `heading: field` lines")
    out: dict[str, str] = {}
    for heading, field in document.items():
        line = line_of(document, [heading])
        if not isinstance(heading, str | int) or not isinstance(field, str):
            raise RegisterError(f"{path}:{line}: {heading!r}: expected `heading: field`")
        if field not in fields:
            raise RegisterError(
                f"{path}:{line}: heading {heading!r}: unknown field {field!r} "
                f"(known: {', '.join(fields)})"
            )
        out[str(heading)] = field
    return out
