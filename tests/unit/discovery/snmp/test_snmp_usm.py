"""SNMPv3 USM (discovery/snmp/usm.py): RFC 3414 A.3 key localization, messages that
round-trip for every protocol we speak, and what pysnmp's own USM makes of ours."""

from __future__ import annotations

from typing import Any

import pytest

from discovery.snmp import ber, usm
from discovery.snmp.response import Response

RFC_ENGINE = bytes.fromhex("000000000000000000000002")
ENGINE = usm.EngineState(bytes.fromhex("80001f8880e9bd0c1d12667a5100000000"), 7, 123456, 10.0)


def test_rfc3414_a3_1_md5_key_localization() -> None:
    assert usm.password_to_key(b"maplesyrup", "md5").hex() == "9faf3283884e92834ebc9847d8edd963"
    assert usm.localized_key(b"maplesyrup", "md5", RFC_ENGINE).hex() == (
        "526f5eed9fcce26f8964c2930787d82b")


def test_rfc3414_a3_2_sha_key_localization() -> None:
    assert usm.password_to_key(b"maplesyrup", "sha1").hex() == (
        "9fb5cc0381497b3793528939ff788d5d79145211")
    assert usm.localized_key(b"maplesyrup", "sha1", RFC_ENGINE).hex() == (
        "6695febc9288e36282235fc7151f128497b38f3f")


def _user(auth: str, priv: str | None) -> usm.UsmUser:
    return usm.UsmUser(b"cmdb", auth, b"auth-pass-1", priv, b"priv-pass-1" if priv else None)


PROTOCOLS = [("SHA", "AES"), ("SHA", "DES"), ("MD5", "AES"), ("MD5", "DES"), ("SHA256", "AES"),
             ("SHA512", "AES"), ("SHA", None), ("SHA384", None)]


@pytest.mark.parametrize(("auth", "priv"), PROTOCOLS)
def test_messages_round_trip_for_every_protocol(auth: str, priv: str | None) -> None:
    keys = usm.UsmKeys.of(_user(auth, priv), ENGINE.engine_id)
    varbinds = [((1, 3, 6, 1, 2, 1, 1, 5, 0), ber.tlv(ber.OCTET_STRING, b"sw1" * 50))]
    pdu = ber.encode_pdu(ber.RESPONSE, 99, varbinds)
    message = usm.encode_request(99, _user(auth, priv), keys, ENGINE, 12.0, b"ctx", pdu)
    assert (b"sw1" * 50 in message) == (priv is None)  # encrypted when priv
    reply = usm.decode_message(message, keys)  # same grammar both ways
    assert (reply.message_id, reply.request_id, reply.pdu_tag) == (99, 99, ber.RESPONSE)
    assert (reply.engine_id, reply.boots, reply.time, reply.user) == (
        ENGINE.engine_id, 7, 123458, b"cmdb")  # time moved on with the clock
    assert reply.response == Response(0, 0, [((1, 3, 6, 1, 2, 1, 1, 5, 0), "1.3.6.1.2.1.1.5.0",
                                              b"sw1" * 50)])


def test_a_wrong_key_or_a_changed_octet_fails_the_digest() -> None:
    user = _user("SHA", "AES")
    keys = usm.UsmKeys.of(user, ENGINE.engine_id)
    message = usm.encode_request(5, user, keys, ENGINE, 10.0, b"", ber.request_pdu(5, [(1, 3, 6)]))
    other = usm.UsmKeys.of(usm.UsmUser(b"cmdb", "SHA", b"other-pass", "AES", b"priv-pass-1"),
                           ENGINE.engine_id)
    with pytest.raises(usm.UsmError, match="wrong digest"):
        usm.decode_message(message, other)
    changed = bytearray(message)
    changed[-1] ^= 1
    with pytest.raises(usm.UsmError, match="wrong digest"):
        usm.decode_message(bytes(changed), keys)


def test_a_wrong_privacy_key_is_a_usm_error_not_a_crash() -> None:
    user = _user("SHA", "AES")
    keys = usm.UsmKeys.of(user, ENGINE.engine_id)
    message = usm.encode_request(5, user, keys, ENGINE, 10.0, b"", ber.request_pdu(5, [(1, 3, 6)]))
    wrong_priv = usm.UsmKeys(keys.hash_name, keys.digest_size, keys.auth, bytes(16), "AES")
    with pytest.raises((usm.UsmError, ber.BerError)):
        usm.decode_message(message, wrong_priv)


def test_engine_discovery_request_and_report() -> None:
    """The discovery request is noAuthNoPriv and reportable, with an empty engine ID; a
    usmStatsUnknownEngineIDs report is read without keys."""
    request = usm.encode_request(1, None, None, usm.EngineState(), 0.0, b"", ber.request_pdu(1, []))
    seen = usm.decode_message(request, None)
    assert (seen.flags, seen.engine_id, seen.user, seen.response.varbinds) == (
        usm.FLAG_REPORTABLE, b"", b"", [])
    report_pdu = ber.encode_pdu(ber.REPORT, 1, [((*usm.USM_STATS, 4, 0), ber.encode_integer(3, ber.COUNTER32))])
    report = usm.encode_request(1, None, None, ENGINE, 0.0, b"", report_pdu)
    reply = usm.decode_message(report, None)
    assert reply.report() == usm.UNKNOWN_ENGINE_ID
    assert usm.message_id(report) == 1


def test_our_encryption_is_what_pysnmp_decrypts() -> None:
    from pyasn1.type import univ  # type: ignore[import-untyped]
    from pysnmp.proto.secmod.rfc3414.priv.des import Des
    from pysnmp.proto.secmod.rfc3826.priv.aes import Aes

    plain = ber.tlv(ber.SEQUENCE, ber.tlv(ber.OCTET_STRING, b"x" * 37))
    for name, theirs in (("AES", Aes()), ("DES", Des())):
        keys = usm.UsmKeys.of(_user("SHA", name), ENGINE.engine_id)
        secret, salt = usm.encrypt(keys, 7, 123456, plain)
        assert keys.priv is not None
        decrypted: Any = theirs.decrypt_data(univ.OctetString(keys.priv), (7, 123456, univ.OctetString(salt)),
                                             univ.OctetString(secret))
        assert bytes(decrypted)[:len(plain)] == plain
        assert usm.decrypt(keys, 7, 123456, salt, secret)[:len(plain)] == plain


def test_our_digest_is_what_pysnmp_computes() -> None:
    from pyasn1.type import univ
    from pysnmp.proto.secmod.rfc3414.auth.hmacsha import HmacSha

    user = _user("SHA", None)
    keys = usm.UsmKeys.of(user, ENGINE.engine_id)
    message = usm.encode_request(8, user, keys, ENGINE, 10.0, b"", ber.request_pdu(8, [(1, 3, 6)]))
    assert usm.decode_message(message, keys).message_id == 8  # right by our own check
    # and by pysnmp's: our message with its digest zeroed, signed by pysnmp, is ours
    signed = HmacSha().authenticate_outgoing_message(univ.OctetString(keys.auth), _blanked(message, keys))
    assert bytes(signed) == message


def _blanked(message: bytes, keys: usm.UsmKeys) -> bytes:
    """``message`` with its 12-octet digest zeroed (found as the only place it fits)."""
    for at in range(len(message) - 12):
        candidate = message[:at] + bytes(12) + message[at + 12:]
        if keys.digest(candidate) == message[at:at + 12]:
            return candidate
    raise AssertionError("no digest in the message")
