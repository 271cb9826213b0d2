"""One lab for the module: up in a tmp state dir, always torn down, even on failure."""

from collections.abc import Iterator
from pathlib import Path

import pytest

import lab
from lab.config import LabOptions, isolated_config


def _test_config() -> lab.LabConfig:
    """The embedded config on its own prefix and blocks, beside a lab a user may run."""
    return isolated_config("cmdbtst", "127.79.0.0/16", "127.80.0.0/16", "198.19.0.0/24",
                           hosts=("tst-srv-01", "tst-srv-02"))


@pytest.fixture(scope="module")
def lab_options(tmp_path_factory: pytest.TempPathFactory) -> LabOptions:
    state_dir: Path = tmp_path_factory.mktemp("lab-state")
    return LabOptions(state_dir=state_dir, config=_test_config())


@pytest.fixture(scope="module")
def running_lab(lab_options: LabOptions) -> Iterator[lab.Manifest]:
    try:
        yield lab.up(lab_options)
    finally:
        lab.down(lab_options.state_dir, lab_options.config)
