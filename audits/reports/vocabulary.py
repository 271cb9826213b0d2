"""The reports' headings in English and Chinese (vocabulary.yaml beside this file):
section titles, column headings and notes, looked up by key."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from audits.reports.errors import ReportError

LANGS = ("en", "zh")
GROUPS = ("reports", "sections", "columns", "notes", "values")
_FILE = Path(__file__).with_name("vocabulary.yaml")


@cache
def vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    """group -> key -> lang -> text, as the file says."""
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return {g: {str(k): {str(lang): str(t) for lang, t in v.items()} for k, v in data[g].items()}
            for g in GROUPS}  # fmt: skip


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ReportError(f"--lang {lang[:20]!r}: expected one of {', '.join(LANGS)}")
    return lang


def heading(group: str, key: str, lang: str) -> str:
    """The text of `key` in `lang`; a key not in the vocabulary is shown as itself."""
    return vocabulary()[group].get(key, {}).get(lang, key)


def headings(keys: list[str], lang: str) -> dict[str, str]:
    """Column key -> heading, for a frame's rename."""
    return {k: heading("columns", k, lang) for k in keys}
