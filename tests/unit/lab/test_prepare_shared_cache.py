"""The prepared-recordings cache is shared by every clone (keyed by content), so writers
of the same recording may meet: each writes under names of its own, and what lands is
whole."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lab.snmprec import cache_name, prepare
from lab.sources import lab_data_dir


def _prepare(job: tuple[Path, Path]) -> bytes:
    return prepare(*job).read_bytes()


def test_copies_of_one_recording_share_one_prepared_file_written_whole(tmp_path: Path) -> None:
    source = lab_data_dir() / "snmp" / "arista_eos.snmprec"
    copies = []
    for n in range(4):  # byte-identical copies at other paths, as in another clone
        copy = tmp_path / f"clone{n}" / source.name
        copy.parent.mkdir()
        copy.write_bytes(source.read_bytes())
        copies.append(copy)
    assert len({cache_name(c) for c in copies}) == 1
    cache = tmp_path / "cache"
    alone = prepare(source, tmp_path / "alone").read_bytes()
    with ProcessPoolExecutor(max_workers=4) as pool:
        written = list(pool.map(_prepare, [(c, cache) for c in copies * 2]))
    assert all(w == alone for w in written)
    assert sorted(p.suffix for p in cache.iterdir()) == [".idx", ".snmprec"]  # no leftovers
