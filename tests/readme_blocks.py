"""The code blocks of one README section, for the tests that run the README's examples
as written."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def section_blocks(heading: str, language: str = "graphql") -> list[str]:
    """The ```<language> blocks of the README section under `heading` (a whole `## ...`
    line), in order, without their fences."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    blocks = text[start:end].split(f"```{language}\n")[1:]
    return [block.split("```")[0] for block in blocks]
