"""SNMPv3 messages with the User-based Security Model (RFC 3412, 3414, 3826, 7860). Pure.

Authentication: HMAC-MD5-96, HMAC-SHA-96 and the SHA-2 HMACs of RFC 7860. Privacy:
AES-128-CFB (RFC 3826) and DES-CBC (RFC 3414 8), through the ``cryptography`` package.
Keys are made from the passwords as RFC 3414 A.2 says (a megabyte hashed, then mixed
with the agent's engine ID); both steps are cached, since every target of an estate
usually shares one password and the megabyte costs milliseconds each time.

``encode_request`` writes an authenticated (and encrypted) request; ``decode_message``
checks a reply's digest, decrypts it and reads its PDU. A broken message raises
``BerError``; a message that fails authentication or decryption raises ``UsmError``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from discovery.snmp import ber
from discovery.snmp.response import Arcs, Response

# auth protocol -> (hash, digest octets sent)
AUTH_HASHES = {"MD5": ("md5", 12), "SHA": ("sha1", 12), "SHA224": ("sha224", 16),
               "SHA256": ("sha256", 24), "SHA384": ("sha384", 32), "SHA512": ("sha512", 48)}
PRIV_PROTOCOLS = frozenset(("AES", "DES"))  # the others go through pysnmp (collect_pysnmp)
FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE = 0x01, 0x02, 0x04
MAX_MESSAGE_SIZE = 65507
# usmStats counters an agent reports (RFC 3414 5), by their last arc
USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)
UNSUPPORTED_SEC_LEVEL, NOT_IN_TIME_WINDOW, UNKNOWN_USER, UNKNOWN_ENGINE_ID, WRONG_DIGEST, \
    DECRYPTION_ERROR = 1, 2, 3, 4, 5, 6
REPORT_NAMES = {1: "usmStatsUnsupportedSecLevels", 2: "usmStatsNotInTimeWindows",
                3: "usmStatsUnknownUserNames", 4: "usmStatsUnknownEngineIDs",
                5: "usmStatsWrongDigests", 6: "usmStatsDecryptionErrors"}


class UsmError(ValueError):
    """A reply that fails its digest or cannot be decrypted."""


@lru_cache(maxsize=64)
def password_to_key(password: bytes, hash_name: str) -> bytes:
    """Ku of RFC 3414 A.2: the password repeated to 1 MiB, hashed."""
    if not password:
        raise ValueError("an empty USM password")
    repeated = password * (1048576 // len(password) + 1)
    return hashlib.new(hash_name, repeated[:1048576]).digest()


@lru_cache(maxsize=4096)
def localized_key(password: bytes, hash_name: str, engine_id: bytes) -> bytes:
    """Kul = H(Ku + engineID + Ku), per engine ID (cached)."""
    ku = password_to_key(password, hash_name)
    return hashlib.new(hash_name, ku + engine_id + ku).digest()


@dataclass(frozen=True, slots=True)
class UsmUser:
    name: bytes
    auth_protocol: str  # a key of AUTH_HASHES
    auth_password: bytes
    priv_protocol: str | None  # AES, DES, or None for authNoPriv
    priv_password: bytes | None


@dataclass(frozen=True, slots=True)
class UsmKeys:
    """One user's keys localized to one engine."""

    hash_name: str
    digest_size: int
    auth: bytes
    priv: bytes | None
    priv_protocol: str | None

    @classmethod
    def of(cls, user: UsmUser, engine_id: bytes) -> UsmKeys:
        hash_name, size = AUTH_HASHES[user.auth_protocol]
        priv = None
        if user.priv_protocol is not None and user.priv_password is not None:
            priv = localized_key(user.priv_password, hash_name, engine_id)[:16]
        return cls(hash_name, size, localized_key(user.auth_password, hash_name, engine_id),
                   priv, user.priv_protocol if priv is not None else None)

    def digest(self, message: bytes) -> bytes:
        return hmac.new(self.auth, message, self.hash_name).digest()[:self.digest_size]


@dataclass(slots=True)
class EngineState:
    """What we know of an authoritative engine: its ID, boots, and time at a moment."""

    engine_id: bytes = b""
    boots: int = 0
    time: int = 0
    learned_at: float = 0.0  # loop time when ``time`` was read

    def now(self, clock: float) -> tuple[int, int]:
        return self.boots, self.time + int(clock - self.learned_at)


_salt = int.from_bytes(os.urandom(8), "big")


def _next_salt() -> int:
    global _salt
    _salt = (_salt + 1) & 0xFFFFFFFFFFFFFFFF
    return _salt


def _des(keys: UsmKeys, boots: int, salt_counter: int) -> tuple[Cipher[modes.CBC], bytes]:
    assert keys.priv is not None
    salt = boots.to_bytes(4, "big") + (salt_counter & 0xFFFFFFFF).to_bytes(4, "big")
    iv = bytes(a ^ b for a, b in zip(keys.priv[8:16], salt, strict=True))
    return Cipher(TripleDES(keys.priv[:8] * 3), modes.CBC(iv)), salt


def encrypt(keys: UsmKeys, boots: int, time: int, plain: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, privParams) of a scoped PDU."""
    assert keys.priv is not None
    if keys.priv_protocol == "DES":
        cipher, salt = _des(keys, boots, _next_salt())
        padded = plain + bytes(-len(plain) % 8)
        encryptor = cipher.encryptor()
        return encryptor.update(padded) + encryptor.finalize(), salt
    salt = _next_salt().to_bytes(8, "big")
    iv = boots.to_bytes(4, "big") + time.to_bytes(4, "big") + salt
    encryptor = Cipher(algorithms.AES(keys.priv), CFB(iv)).encryptor()
    return encryptor.update(plain) + encryptor.finalize(), salt


def decrypt(keys: UsmKeys, boots: int, time: int, salt: bytes, secret: bytes) -> bytes:
    assert keys.priv is not None
    if len(salt) != 8:
        raise UsmError(f"privacy parameters of {len(salt)} octets (8 expected)")
    if keys.priv_protocol == "DES":
        if len(secret) % 8:
            raise UsmError("DES-encrypted PDU not a multiple of 8 octets")
        iv = bytes(a ^ b for a, b in zip(keys.priv[8:16], salt, strict=True))
        decryptor = Cipher(TripleDES(keys.priv[:8] * 3), modes.CBC(iv)).decryptor()
    else:
        iv = boots.to_bytes(4, "big") + time.to_bytes(4, "big") + salt
        decryptor = Cipher(algorithms.AES(keys.priv), CFB(iv)).decryptor()
    return decryptor.update(secret) + decryptor.finalize()


def encode_request(message_id: int, user: UsmUser | None, keys: UsmKeys | None,
                   engine: EngineState, clock: float, context: bytes, pdu: bytes) -> bytes:
    """A v3 message (reportable). Without ``keys``: noAuthNoPriv, as engine discovery is
    (with an empty ``EngineState`` and no user)."""
    boots, time = engine.now(clock)
    flags = FLAG_REPORTABLE
    scoped = ber.tlv(ber.SEQUENCE, ber.tlv(ber.OCTET_STRING, engine.engine_id)
                     + ber.tlv(ber.OCTET_STRING, context) + pdu)
    auth_params = priv_params = b""
    if keys is not None:
        flags |= FLAG_AUTH
        auth_params = bytes(keys.digest_size)
        if keys.priv is not None:
            flags |= FLAG_PRIV
            secret, priv_params = encrypt(keys, boots, time, scoped)
            scoped = ber.tlv(ber.OCTET_STRING, secret)
    global_data = ber.tlv(ber.SEQUENCE, ber.encode_integer(message_id)
                          + ber.encode_integer(MAX_MESSAGE_SIZE)
                          + ber.tlv(ber.OCTET_STRING, bytes((flags,))) + ber.encode_integer(3))
    before_auth = (ber.tlv(ber.OCTET_STRING, engine.engine_id)
                   + ber.encode_integer(boots) + ber.encode_integer(time)
                   + ber.tlv(ber.OCTET_STRING, user.name if user is not None else b""))
    auth_tlv = ber.tlv(ber.OCTET_STRING, auth_params)
    priv_tlv = ber.tlv(ber.OCTET_STRING, priv_params)
    security = ber.tlv(ber.SEQUENCE, before_auth + auth_tlv + priv_tlv)
    security_tlv = ber.tlv(ber.OCTET_STRING, security)
    version = ber.encode_integer(3)
    body = version + global_data + security_tlv + scoped
    message = ber.tlv(ber.SEQUENCE, body)
    if keys is None:
        return message
    # the digest's place: the end of the security parameters, less the privacy
    # parameters after it and its own length
    at = (len(message) - len(body) + len(version) + len(global_data) + len(security_tlv)
          - len(priv_tlv) - len(auth_params))
    assert message[at:at + len(auth_params)] == auth_params
    return message[:at] + keys.digest(message) + message[at + len(auth_params):]


@dataclass(frozen=True, slots=True)
class V3Reply:
    """A v3 message as read: its header, security parameters and PDU."""

    message_id: int
    flags: int
    engine_id: bytes
    boots: int
    time: int
    user: bytes
    pdu_tag: int
    request_id: int
    response: Response

    def report(self) -> int | None:
        """The usmStats counter (last-but-one arc) a Report names, else None."""
        if self.pdu_tag != ber.REPORT or not self.response.varbinds:
            return None
        arcs: Arcs = self.response.varbinds[0][0]
        if arcs[:len(USM_STATS)] == USM_STATS and len(arcs) == len(USM_STATS) + 2:
            return arcs[len(USM_STATS)]
        return None


def message_id(data: bytes) -> int:
    """The msgID of a v3 message, or the request-id of a v1/v2c one (routing a reply)."""
    start, stop = ber.expect(data, 0, len(data), ber.SEQUENCE, "message")
    version, at = ber.read_integer(data, start, stop, "version")
    if version == 3:
        g_start, g_stop = ber.expect(data, at, stop, ber.SEQUENCE, "msgGlobalData")
        return ber.read_integer(data, g_start, g_stop, "msgID")[0]
    _community, at = ber.read_octets(data, at, stop, "community")
    _tag, p_start, p_stop = ber.read_header(data, at, stop)
    return ber.read_integer(data, p_start, p_stop, "request-id")[0]


def decode_message(data: bytes, keys: UsmKeys | None) -> V3Reply:
    """Read a v3 reply; with ``keys``, an authenticated one must carry the right digest and
    an encrypted one is decrypted (an unauthenticated Report is read as it is)."""
    start, stop = ber.expect(data, 0, len(data), ber.SEQUENCE, "message")
    version, at = ber.read_integer(data, start, stop, "msgVersion")
    if version != 3:
        raise ber.BerError(f"SNMP version {version} where 3 expected")
    g_start, at = ber.expect(data, at, stop, ber.SEQUENCE, "msgGlobalData")
    msg_id, g = ber.read_integer(data, g_start, at, "msgID")
    _max_size, g = ber.read_integer(data, g, at, "msgMaxSize")
    flag_octets, g = ber.read_octets(data, g, at, "msgFlags")
    model, g = ber.read_integer(data, g, at, "msgSecurityModel")
    if len(flag_octets) != 1 or model != 3:
        raise ber.BerError(f"msgFlags of {len(flag_octets)} octets or security model {model}")
    flags = flag_octets[0]
    s_start, at = ber.expect(data, at, stop, ber.OCTET_STRING, "msgSecurityParameters")
    u_start, u_stop = ber.expect(data, s_start, at, ber.SEQUENCE, "UsmSecurityParameters")
    engine_id, u = ber.read_octets(data, u_start, u_stop, "msgAuthoritativeEngineID")
    boots, u = ber.read_integer(data, u, u_stop, "msgAuthoritativeEngineBoots")
    time, u = ber.read_integer(data, u, u_stop, "msgAuthoritativeEngineTime")
    user, u = ber.read_octets(data, u, u_stop, "msgUserName")
    a_start, a_stop = ber.expect(data, u, u_stop, ber.OCTET_STRING, "msgAuthenticationParameters")
    salt, _u = ber.read_octets(data, a_stop, u_stop, "msgPrivacyParameters")
    if flags & FLAG_AUTH:
        if keys is None:
            raise UsmError("an authenticated reply to a request that was not")
        digest = data[a_start:a_stop]
        blanked = data[:a_start] + bytes(len(digest)) + data[a_stop:]
        if len(digest) != keys.digest_size or not hmac.compare_digest(digest,
                                                                      keys.digest(blanked)):
            raise UsmError("wrong digest on the reply (usmStatsWrongDigests)")
    if flags & FLAG_PRIV:
        if keys is None or keys.priv is None or not flags & FLAG_AUTH:
            raise UsmError("an encrypted reply to a request that was not")
        secret, _end = ber.read_octets(data, at, stop, "encryptedPDU")
        plain = decrypt(keys, boots, time, salt, secret)
        scoped, scoped_at, scoped_end = plain, 0, len(plain)
    else:
        scoped, scoped_at, scoped_end = data, at, stop
    try:
        sc_start, sc_stop = ber.expect(scoped, scoped_at, scoped_end, ber.SEQUENCE, "scopedPDU")
    except ber.BerError as exc:
        if flags & FLAG_PRIV:
            raise UsmError(f"the reply does not decrypt to a scoped PDU ({exc})") from None
        raise
    _ctx_engine, p = ber.read_octets(scoped, sc_start, sc_stop, "contextEngineID")
    _ctx_name, p = ber.read_octets(scoped, p, sc_stop, "contextName")
    tag, request_id, response = ber.decode_pdu(scoped, p, sc_stop)
    return V3Reply(msg_id, flags, engine_id, boots, time, user, tag, request_id, response)
