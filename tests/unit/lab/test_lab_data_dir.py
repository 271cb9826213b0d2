"""Where the lab and the tests find the recordings: one resolver, a clear error when missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab import sources
from lab.sources import LAB_DATA_ENV, LabDataMissing, lab_data_dir


def test_env_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "snmp").mkdir()
    monkeypatch.setenv(LAB_DATA_ENV, str(tmp_path))
    assert lab_data_dir() == tmp_path


def test_env_naming_a_folder_without_recordings_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LAB_DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(LabDataMissing, match="nowhere: no snmp/ or cli/ folder"):
        lab_data_dir()


def test_nothing_found_names_every_place_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LAB_DATA_ENV, raising=False)
    monkeypatch.setattr(sources, "SHARED_LAB_DATA", tmp_path / "a")
    monkeypatch.setattr(sources, "MACHINE_LAB_DATA", tmp_path / "b")
    with pytest.raises(LabDataMissing) as err:
        lab_data_dir()
    assert str(tmp_path / "a") in str(err.value) and str(tmp_path / "b") in str(err.value)
    assert LAB_DATA_ENV in str(err.value)


def test_the_checkout_neighbour_comes_before_the_machine_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LAB_DATA_ENV, raising=False)
    for name in ("a", "b"):
        (tmp_path / name / "snmp").mkdir(parents=True)
    monkeypatch.setattr(sources, "SHARED_LAB_DATA", tmp_path / "a")
    monkeypatch.setattr(sources, "MACHINE_LAB_DATA", tmp_path / "b")
    assert lab_data_dir() == tmp_path / "a"
    (tmp_path / "a" / "snmp").rmdir()
    assert lab_data_dir() == tmp_path / "b"
