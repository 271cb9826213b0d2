"""A job's limit of addresses (max_targets), counted before anything is expanded, and
job errors that name a missing field in full."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from discovery.job_targets import AddressSpan, IPAddress, count_addresses, expand, parse_span
from discovery.jobs import DEFAULT_MAX_TARGETS, JobError, expand_targets, load_job

JOB = """\
name: sweep
targets:
{targets}protocols:
  - protocol: snmp
    credentials: [{{secret: lab-v2c}}]
"""


def _job(tmp_path: Path, *targets: str, extra: str = "") -> Path:
    path = tmp_path / f"sweep-{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(JOB.format(targets="".join(f"  - {t}\n" for t in targets)) + extra)
    return path


@pytest.mark.parametrize(
    ("targets", "exclude"),
    [
        (["127.0.0.0/24"], []),
        (["127.0.0.0/24", "127.0.0.10-127.0.1.20", "127.0.0.7"], ["127.0.0.5", "127.0.1.0/30"]),
        (["127.0.0.1-127.0.0.9", "127.0.0.10-127.0.0.12"], ["127.0.0.0/29", "127.0.0.3"]),
        (["127.0.0.5", "::1", "::1-::3"], ["::2", "127.0.0.5-127.0.0.5"]),
        (["127.0.0.0/30"], ["127.0.0.0/24"]),
    ],
)  # fmt: skip
def test_the_count_is_the_expansions_length(targets: list[str], exclude: list[str]) -> None:
    spans, excluded = [parse_span(t) for t in targets], [parse_span(e) for e in exclude]
    assert count_addresses(spans, excluded) == len(expand(spans, excluded))


def test_a_job_over_the_default_limit_is_refused_by_file_count_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_expansion(span: AddressSpan) -> Iterator[IPAddress]:
        raise AssertionError(f"{span.text} expanded: the limit is counted, not expanded")

    monkeypatch.setattr(AddressSpan, "addresses", no_expansion)
    path = _job(tmp_path, "127.0.0.0/16", "127.1.0.0/16")
    with pytest.raises(JobError) as info:
        load_job(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), 2, "targets")
    assert (
        f"131068 addresses after exclusions, more than this job's limit of "
        f"{DEFAULT_MAX_TARGETS}" in err.reason
    )
    assert "max_targets: N" in err.reason and "--max-targets N" in err.reason


def test_the_limit_counts_after_exclusions_and_is_raised_in_the_file_or_by_option(
    tmp_path: Path,
) -> None:
    assert DEFAULT_MAX_TARGETS == 4096
    over = _job(tmp_path, "127.0.0.0/19", "127.0.32.1")  # 8,190 + 1
    with pytest.raises(JobError, match="8191 addresses"):
        load_job(over)
    trimmed = _job(tmp_path, "127.0.0.0/19", extra="exclude: [127.0.16.0/20]\n")
    # an excluded CIDR is its hosts too: 127.0.0.1-127.0.16.0 stay, exactly the limit
    assert len(expand_targets(load_job(trimmed))) == load_job(trimmed).address_count() == 4096
    in_file = _job(tmp_path, "127.0.0.0/19", extra="max_targets: 8190\n")
    assert len(expand_targets(load_job(in_file))) == 8190
    assert load_job(over, max_targets=8191).max_targets == 8191
    with pytest.raises(JobError, match="limit of 8190"):
        load_job(over, max_targets=8190)  # the option wins over the file, both ways
    lowered = _job(tmp_path, "127.0.0.0/29", extra="max_targets: 100\n")
    with pytest.raises(
        JobError, match="6 addresses after exclusions, more than this job's limit of 5"
    ):
        load_job(lowered, max_targets=5)


def test_expansion_checks_the_limit_too(tmp_path: Path) -> None:
    job = load_job(_job(tmp_path, "127.0.0.0/24"))
    with pytest.raises(JobError, match="254 addresses"):
        expand_targets(job.model_copy(update={"max_targets": 10}))


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "reason"),
    [
        ("    credentials: [{secret: lab-v2c}]\n", "    port: 1161\n", 5, "protocols[0].credentials",
         "Field required"),
        ("  - protocol: snmp\n", "  - port: 161\n", 5, "protocols[0].protocol",
         "Field required (snmp or ssh)"),
        ("name: sweep\n", "", 1, "name", "Field required"),
        ("[{secret: lab-v2c}]", "[{}]", 6, "protocols[0].credentials[0]", "exactly one of"),
    ],
)  # fmt: skip
def test_a_missing_field_is_named_in_full(
    tmp_path: Path, old: str, new: str, line: int, field: str, reason: str
) -> None:
    text = JOB.format(targets="  - 127.0.0.1\n")
    assert old in text
    path = tmp_path / "missing.yaml"
    path.write_text(text.replace(old, new))
    with pytest.raises(JobError) as info:
        load_job(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field), str(err)
    assert reason in err.reason
    assert str(err).startswith(f"{path}:{line}: {field}: ")
