"""Write the contract suite's expected files from what the drivers make of the recordings.

    .venv/bin/python -m tests.contract.make_expected            # every case missing a file
    .venv/bin/python -m tests.contract.make_expected --all      # rewrite every file
    .venv/bin/python -m tests.contract.make_expected ssh linux  # one case

The output is a proposal, not a proof: review it (git diff) against the recording and
the oracle where there is one (tests/contract/README.md) before committing it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from tests.contract.cases import cases, expected_path, facts_of, getters_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("driver", nargs="?", choices=("snmp", "ssh"))
    parser.add_argument("case", nargs="?")
    parser.add_argument("--all", action="store_true", help="rewrite existing files too")
    args = parser.parse_args()
    for driver, case in cases():
        if (args.driver and driver != args.driver) or (args.case and case != args.case):
            continue
        path = expected_path(driver, case)
        if path.exists() and not (args.all or args.case):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(getters_json(facts_of(driver, case))))
        print(path)


def dumps(data: dict[str, Any]) -> str:
    """A key per getter, a row per line: small, and a review reads the diff row by row."""
    lines = []
    for getter, value in data.items():
        if isinstance(value, list) and value:
            rows = ",\n".join("  " + _compact(row) for row in value)
            lines.append(f"{json.dumps(getter)}: [\n{rows}\n ]")
        else:
            lines.append(f"{json.dumps(getter)}: {_compact(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
