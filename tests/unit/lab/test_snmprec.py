"""The snmprec sanitiser and the lookups the agent serves walks from."""

from pathlib import Path

from lab.snmprec import (
    FileRecording,
    MemoryRecording,
    OverlayRecording,
    oid_key,
    parse_row,
    prepare,
    sanitise,
)


def test_oid_key_orders_like_oids() -> None:
    oids = ["1.3.6.1.2.1.2", "1.3.6.1.2.1.10", "1.3.6.1.2.1.2.1", "1.3.6.1.2.1.300", "1.3.6.2"]
    expected = sorted(oids, key=lambda o: tuple(int(a) for a in o.split(".")))
    assert sorted(oids, key=oid_key) == expected


def test_rows_with_anonymised_xx_arcs_are_skipped() -> None:
    assert parse_row("1.3.6.1.2.1.4.20.1.2.10.xx.xx.100|2|3") is None
    assert parse_row("1.3.6.1.2.1.4.20.1.2.10.1.1.100|2|3") == (
        "1.3.6.1.2.1.4.20.1.2.10.1.1.100",
        "2",
        "3",
    )


def test_comments_variations_and_unknown_tags_are_skipped() -> None:
    assert parse_row("# a comment") is None
    assert parse_row("1.3.6.1.2.1.1.3.0|67:numeric|rate=1") is None
    assert parse_row("1.3.6.1.2.1.1.3.0|99|x") is None
    assert parse_row("1.3.6.1.2.1.1.1.0|4|a|b") == ("1.3.6.1.2.1.1.1.0", "4", "a|b")


def test_sanitise_sorts_and_drops_duplicates() -> None:
    rows = sanitise(
        [
            "1.3.6.1.2.1.1.5.0|4|b",
            "1.3.6.1.2.1.1.10.0|2|1",
            "1.3.6.1.2.1.1.5.0|4|dup",
            "1.3.6.1.2.1.1.1.0|4|a",
        ]
    )
    assert [r[0] for r in rows] == ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.10.0"]
    assert rows[1][2] == "b"


WALK = [
    "1.3.6.1.2.1.1.1.0|4|descr",
    "1.3.6.1.2.1.4.20.1.2.10.xx.xx.100|2|3",
    "1.3.6.1.2.1.4.20.1.2.10.0.0.1|2|1",
    "1.3.6.1.2.1.4.20.1.2.10.0.0.2|2|2",
    "1.3.6.1.2.1.5.1.0|65|7",
]


def _walk_all(data: MemoryRecording | FileRecording | OverlayRecording) -> list[str]:
    out, row = [], data.next_after(b"")
    while row is not None:
        out.append(row[0])
        row = data.next_after(oid_key(row[0]))
    return out


def test_walk_crosses_the_sanitised_rows(tmp_path: Path) -> None:
    source = tmp_path / "dev.snmprec"
    source.write_text("\n".join(WALK) + "\n", encoding="utf-8")
    prepared = prepare(source, tmp_path / "cache")
    expected = [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
        "1.3.6.1.2.1.4.20.1.2.10.0.0.2",
        "1.3.6.1.2.1.5.1.0",
    ]
    on_disk = FileRecording(prepared)
    assert _walk_all(on_disk) == expected
    assert on_disk.get("1.3.6.1.2.1.1.1.0") == ("1.3.6.1.2.1.1.1.0", "4", "descr")
    assert on_disk.get("1.3.6.1.2.1.1.2.0") is None
    on_disk.close()
    assert _walk_all(MemoryRecording.from_rows(sanitise(WALK))) == expected


def test_overlay_replaces_adds_and_deletes_subtrees() -> None:
    base = MemoryRecording.from_rows(sanitise(WALK))
    overlay = OverlayRecording(
        base,
        rows=[("1.3.6.1.2.1.1.1.0", "4", "new"), ("1.3.6.1.2.1.4.20.1.2.10.9.9.9", "2", "9")],
        deleted=["1.3.6.1.2.1.4.20"],
    )
    assert _walk_all(overlay) == [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.4.20.1.2.10.9.9.9",
        "1.3.6.1.2.1.5.1.0",
    ]
    assert overlay.get("1.3.6.1.2.1.1.1.0") == ("1.3.6.1.2.1.1.1.0", "4", "new")
    assert overlay.get("1.3.6.1.2.1.4.20.1.2.10.0.0.1") is None


def _after_one_by_one(data: MemoryRecording | FileRecording | OverlayRecording, key: bytes,
                      count: int) -> list[str]:
    out, row = [], data.next_after(key)
    while row is not None and len(out) < count:
        out.append(row[0])
        row = data.next_after(oid_key(row[0]))
    return out


def test_next_rows_is_next_after_repeated(tmp_path: Path) -> None:
    source = tmp_path / "dev.snmprec"
    source.write_text("\n".join(WALK) + "\n", encoding="utf-8")
    on_disk = FileRecording(prepare(source, tmp_path / "cache"))
    base = MemoryRecording.from_rows(sanitise(WALK))
    overlays = [
        OverlayRecording(base, rows=[("1.3.6.1.2.1.1.1.0", "4", "new"),
                                     ("1.3.6.1.2.1.4.20.1.2.10.9.9.9", "2", "9"),
                                     ("1.3.6.1.2.1.9.1.0", "2", "1")],
                         deleted=["1.3.6.1.2.1.4.20.1.2.10.0.0.1", "1.3.6.1.2.1.5"]),
        OverlayRecording(on_disk, rows=[], deleted=["1.3.6.1.2.1.4.20"]),
    ]
    starts = ["", "1", "1.3.6.1.2.1.1", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
              "1.3.6.1.2.1.4.20.1.2.10.5", "1.3.6.1.2.1.5.1.0", "2"]
    for data in (base, on_disk, *overlays):
        for start in starts:
            key = oid_key(start) if start else b""
            for count in (1, 2, 3, 10):
                rows = data.next_rows(key, count)
                assert [r[0] for _, r in rows] == _after_one_by_one(data, key, count), (start, count)
                assert all(k == oid_key(r[0]) for k, r in rows)
    on_disk.close()
