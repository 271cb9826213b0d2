"""Every command of README.md's ```sh blocks, run as a reader runs it, on a fresh demo graph.

The rule for README authors (this test reads README.md when it runs, so new blocks are
picked up):
- a block fenced ```sh (or ```bash / ```shell) is run, line by line, in README order;
  ```text, ```console, ```yaml and every other block are not;
- each line of such a block is one `.venv/bin/cmdb ...` command (a trailing `# comment`
  is fine) that must exit 0 and print no traceback on a graph just made by
  `cmdb demo --no-lab --no-serve` (the demo's sample estate, no lab), in a DBMS this test starts
  and owns, so `db status` and `db down` run for real; a block after a `db down` starts
  with the DBMS up again (the test runs `cmdb db up` first);
- `make demo` and `make test` are the only other lines allowed, and they are skipped:
  the graph here is what `make demo` makes (without the device lab), and `make test` is
  the suite this test is part of;
- anything else (another program, a pipe, a variable, a command that needs the device
  lab such as `cmdb discover` or `cmdb lab up`) fails this test: put it in prose or in a
  ```text / ```console block.
Some outputs are checked for meaning, not just exit codes: after `ci set`, `ci show`
has the value, `ci history` the edit with its reason, `ci show --as-of` and `ci diff`
the value before and after it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli.sample import sample_estate
from cmdb import dbms
from cmdb.config import Config
from cmdb.timespec import parse_time

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CMDB = ".venv/bin/cmdb"
RUN_FENCES = {"```sh", "```bash", "```shell"}
SKIPPED = {("make", "demo"), ("make", "test")}  # what this suite is made by / is
SHELL_OPERATOR = set("();<>|&")


@dataclass(frozen=True)
class Line:
    number: int  # in README.md
    text: str
    argv: list[str]  # as a shell splits it, `# comments` dropped
    shell: bool  # pipes, redirections, lists, variables or substitutions: needs a shell


def split_line(text: str) -> Line:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    tokens = list(lexer)
    operators = any(set(token) <= SHELL_OPERATOR for token in tokens if token)
    return Line(0, text, tokens, operators or "$" in text or "`" in text)


def sh_blocks(text: str) -> list[list[Line]]:
    """The command lines of every ```sh block (comments and blank lines dropped)."""
    blocks: list[list[Line]] = []
    current: list[Line] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if current is None:
            if stripped in RUN_FENCES:
                current = []
        elif stripped.startswith("```"):
            blocks.append(current)
            current = None
        else:
            line = split_line(stripped)
            if line.argv:
                current.append(Line(number, stripped, line.argv, line.shell))
    assert current is None, f"README.md: a ```sh block is not closed (from line {number})"
    return blocks


def test_sh_blocks_are_found_with_their_comments_dropped() -> None:
    text = "x\n```sh\nmake demo  # all of it\n\n# a note\n.venv/bin/cmdb ci show 'a b'\n```\n"
    text += "```text\n.venv/bin/cmdb not run\n```\n"
    assert [[(line.number, line.argv) for line in b] for b in sh_blocks(text)] == [
        [(3, ["make", "demo"]), (6, [CMDB, "ci", "show", "a b"])]
    ]
    assert split_line(".venv/bin/cmdb ci set x a=1 --reason 'fix (CHG1); a|b'").shell is False
    for text in ("cmdb ci show x | less", "cmdb ci show x>out", "cmdb ci show $CI", "a && b"):
        assert split_line(text).shell, text


@dataclass
class Edit:
    ci: str
    attribute: str
    before: str
    after: str
    reason: str
    at: datetime


@dataclass
class Story:
    """What the README's commands did so far, and which checks of meaning ran."""

    edits: list[Edit] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    dbms_up: bool = True


def sample_value(ci: str, attribute: str) -> str:
    for fact in sample_estate().cis:
        if fact.attributes.get("name") == ci:
            return str(fact.attributes.get(attribute) or "")
    raise AssertionError(f"the sample estate has no CI named {ci!r}")


def check_meaning(argv: list[str], out: str, story: Story, ran_at: datetime) -> None:
    """Checks of what a command printed, from what the commands before it did."""
    words, options = _split(argv[1:])
    if words[:2] == ["ci", "set"]:
        for assignment in words[3:]:
            attribute, _, value = assignment.partition("=")
            before = sample_value(words[2], attribute)
            story.edits.append(
                Edit(words[2], attribute, before, value, options["--reason"], ran_at)
            )
        assert "changed" in out
        story.checked.add("set")
    elif words[:2] == ["ci", "history"]:
        assert "datetime.datetime(" not in out and re.search(r"\d\d:\d\d:\d\dZ", out)
        for e in (e for e in story.edits if e.ci == words[2]):
            row = rf"│ {e.attribute}\s+│ {re.escape(e.before)}\s+│ {re.escape(e.after)}\s+│ manual"
            assert re.search(row + rf".*│ {re.escape(e.reason)}", out), out
            story.checked.add("history")
    elif words[:2] == ["ci", "show"]:
        assert words[2] in out
        t = parse_time(options["--as-of"], "--as-of", ran_at) if "--as-of" in options else ran_at
        for e in (e for e in story.edits if e.ci == words[2]):
            value = e.before if t < e.at else e.after
            assert re.search(rf"│ {e.attribute}\s+│ {re.escape(value)}\s+│", out), out
            story.checked.add("show --as-of" if t < e.at else "show")
    elif words[:2] == ["ci", "diff"]:
        t1 = parse_time(options["--from"], "--from", ran_at)
        t2 = parse_time(options.get("--to", "now"), "--to", ran_at)
        for e in (e for e in story.edits if e.ci == words[2] and t1 < e.at <= t2):
            row = rf"│ {e.attribute}\s+│ {re.escape(e.before)}\s+│ {re.escape(e.after)}\s+│"
            assert re.search(row, out), out
            story.checked.add("diff")
    elif words[:2] == ["db", "status"]:
        assert "running" in out and "stopped" not in out
    elif words[:2] == ["db", "down"]:
        assert "Neo4j stopped" in out
        story.dbms_up = False


def _split(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """Positional words, and --options with their values (every README option takes one)."""
    words: list[str] = []
    options: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            options[name] = value
        elif arg.startswith("--"):
            options[arg] = next(rest, "")
        else:
            words.append(arg)
    return words, options


@pytest.fixture
def demo_dbms(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment of a DBMS this test owns (data under tmp_path), stopped at the end.

    With NEO4J_URI set the commands use that database instead (wiped first, as every
    test wipes it); `db down` then has nothing to stop.
    """
    if os.environ.get("NEO4J_URI"):
        request.getfixturevalue("graph")
    config = Config(data_dir=tmp_path / "neo4j", port=dbms.free_port(), heap_mb=512,
                    pagecache_mb=128)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "CMDB_CONFIG"}
    env |= {
        "CMDB_DATA_DIR": str(config.data_dir),
        "CMDB_NEO4J_PORT": str(config.port),
        "CMDB_NEO4J_HEAP_MB": str(config.heap_mb),
        "CMDB_NEO4J_PAGECACHE_MB": str(config.pagecache_mb),
        "COLUMNS": "200",  # rich: tables on one line each
    }
    try:
        yield env
    finally:
        dbms.down(config)


def cmdb(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / CMDB), *argv], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip


def test_every_readme_sh_command_runs_on_a_fresh_demo(
    demo_dbms: dict[str, str], tmp_path: Path
) -> None:
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    work = tmp_path / "work"  # a reader's working folder: nothing of the checkout's .cmdb/
    work.mkdir()
    demo = cmdb(["demo", "--no-lab", "--no-serve"], demo_dbms, work)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    story = Story()
    ran: list[str] = []
    for block in blocks:
        if not story.dbms_up:
            up = cmdb(["db", "up"], demo_dbms, work)
            assert up.returncode == 0, up.stdout + up.stderr
            story.dbms_up = True
        for line in block:
            where = f"README.md:{line.number}: {line.text}"
            if tuple(line.argv[:2]) in SKIPPED and len(line.argv) == 2:
                continue
            assert line.argv[0] == CMDB and not line.shell, (
                f"{where}: a ```sh block holds only {CMDB} commands (and make demo/test); "
                "put other text in prose or a ```text block"
            )
            ran_at = datetime.now(UTC)
            result = cmdb(line.argv[1:], demo_dbms, work)
            output = result.stdout + result.stderr
            assert result.returncode == 0 and "Traceback" not in output, f"{where}\n{output}"
            check_meaning(line.argv, result.stdout, story, ran_at)
            ran.append(" ".join(line.argv[1:3]))
    # the demo story must stay told: an edit, then its history, the CI as of before it,
    # and a diff across it (README "After make demo")
    assert {"set", "history", "show --as-of", "diff"} <= story.checked, (story.checked, ran)
    assert "db down" in ran and "db status" in ran
