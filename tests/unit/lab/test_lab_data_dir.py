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


def test_without_the_env_the_projects_own_recordings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LAB_DATA_ENV, raising=False)
    assert lab_data_dir() == Path(sources.__file__).resolve().parent / "recordings"


def test_missing_recordings_name_the_folder_and_the_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LAB_DATA_ENV, raising=False)
    monkeypatch.setattr(sources, "RECORDINGS", tmp_path / "recordings")
    with pytest.raises(LabDataMissing) as err:
        lab_data_dir()
    assert str(tmp_path / "recordings") in str(err.value)
    assert LAB_DATA_ENV in str(err.value)
