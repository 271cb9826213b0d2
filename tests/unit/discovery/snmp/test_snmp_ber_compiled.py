"""The compiled varbind reader (discovery/snmp/_ber_fast.pyx) against the Python one:
answers and errors alike. `make test` installs with a C compiler at hand, so the reader
must be there: its absence fails here rather than skipping the comparison."""

from __future__ import annotations

import random

import pytest

from discovery.snmp import ber
from tests.unit.discovery.snmp.test_snmp_ber import GOOD, _outcome, _response

COMPILED = ber.FAST_VARBINDS


def test_the_compiled_reader_gives_what_python_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers and errors alike, over random corruptions of a message of every type."""
    assert COMPILED is not None, "discovery/snmp/_ber_fast did not build (pip install -e . " \
        "with a C compiler builds it)"
    monkeypatch.setattr(ber, "FAST_VARBINDS", COMPILED)
    rng = random.Random(3416)
    samples = [GOOD, _response([(ber.OCTET_STRING, bytes(300))]),
               _response([(ber.INTEGER, -(2**70)), (ber.COUNTER64, 2**70), (ber.OID, "1.3." + "9" * 30)])]
    for _ in range(3000):
        data = bytearray(rng.choice(samples))
        for _flip in range(rng.randint(0, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        compiled = _outcome(bytes(data))
        monkeypatch.setattr(ber, "FAST_VARBINDS", None)
        assert compiled == _outcome(bytes(data))
        monkeypatch.setattr(ber, "FAST_VARBINDS", COMPILED)
