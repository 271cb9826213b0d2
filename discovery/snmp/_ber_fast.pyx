# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled fast path of ``ber.decode_varbinds`` (optional: ber.py runs without it).

The same grammar and the same values as the pure-Python decoder. Anything it does not
read in full (a malformed message, an arc or integer wider than 64 bits, more than 128
arcs) makes it return None: ber.py then decodes the message in Python, which gives the
answer or raises the precise ``BerError``. So results are identical by construction.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeASCII

cdef enum:
    MAX_ARCS = 128

cdef int SEQUENCE = 0x30, INTEGER = 0x02, OCTET_STRING = 0x04, OID = 0x06
cdef int IP_ADDRESS = 0x40, OPAQUE = 0x44, NSAP_ADDRESS = 0x45


cdef inline Py_ssize_t _header(const unsigned char* p, Py_ssize_t pos, Py_ssize_t end,
                               int* tag, Py_ssize_t* start) noexcept:
    """Content end of the TLV at pos (its content start in start[0]); -1 when not well formed."""
    cdef Py_ssize_t length, count, i
    if pos + 2 > end:
        return -1
    tag[0] = p[pos]
    length = p[pos + 1]
    pos += 2
    if length >= 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            return -1
        length = 0
        for i in range(count):
            length = (length << 8) | p[pos + i]
        pos += count
    if pos + length > end:
        return -1
    start[0] = pos
    return pos + length


cdef object _oid(const unsigned char* p, Py_ssize_t start, Py_ssize_t stop):
    """(arcs, dotted text); None when not read in full here."""
    cdef unsigned long long arcs[MAX_ARCS]
    cdef unsigned long long arc = 0
    cdef Py_ssize_t count = 1, i
    cdef unsigned char octet
    cdef char buffer[MAX_ARCS * 21]
    cdef char digits[21]
    cdef Py_ssize_t used = 0, d
    if start == stop or p[stop - 1] & 0x80:
        return None
    for i in range(start, stop):
        octet = p[i]
        if arc >> 56:
            return None  # wider than 64 bits
        arc = (arc << 7) | (octet & 0x7F)
        if not octet & 0x80:
            if count >= MAX_ARCS:
                return None
            arcs[count] = arc
            count += 1
            arc = 0
    if arcs[1] < 80:
        arcs[0] = arcs[1] // 40
        arcs[1] = arcs[1] % 40
    else:
        arcs[0] = 2
        arcs[1] = arcs[1] - 80
    result = tuple([arcs[i] for i in range(count)])
    for i in range(count):
        if i:
            buffer[used] = 46  # "."
            used += 1
        arc = arcs[i]
        d = 0
        while True:
            digits[d] = 48 + arc % 10
            d += 1
            arc //= 10
            if arc == 0:
                break
        while d:
            d -= 1
            buffer[used] = digits[d]
            used += 1
    return result, PyUnicode_DecodeASCII(buffer, used, NULL)


cdef object _unsigned(const unsigned char* p, Py_ssize_t start, Py_ssize_t stop):
    cdef unsigned long long value = 0
    cdef Py_ssize_t i
    while stop - start > 8 and p[start] == 0:
        start += 1
    if stop - start > 8:
        return int.from_bytes(PyBytes_FromStringAndSize(<const char*>p + start, stop - start), "big")
    for i in range(start, stop):
        value = (value << 8) | p[i]
    return value


cdef object _signed(const unsigned char* p, Py_ssize_t start, Py_ssize_t stop):
    cdef long long value
    cdef Py_ssize_t i
    if stop - start > 8:
        return int.from_bytes(PyBytes_FromStringAndSize(<const char*>p + start, stop - start),
                              "big", signed=True)
    value = -1 if p[start] & 0x80 else 0
    for i in range(start, stop):
        value = <long long>((<unsigned long long>value << 8) | p[i])
    return value


def decode_varbinds(bytes data, Py_ssize_t pos, Py_ssize_t end):
    """As ber.decode_varbinds, or None (decode it in Python)."""
    cdef const unsigned char* p = <const unsigned char*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t stop, vb_start = 0, vb_stop, oid_start = 0, oid_stop, v_start = 0, v_stop
    cdef int tag
    cdef object value, name
    if end > PyBytes_GET_SIZE(data) or pos < 0:
        return None
    stop = _header(p, pos, end, &tag, &vb_start)
    if stop < 0 or tag != SEQUENCE:
        return None
    pos = vb_start
    out = []
    while pos < stop:
        vb_stop = _header(p, pos, stop, &tag, &vb_start)
        if vb_stop < 0 or tag != SEQUENCE:
            return None
        oid_stop = _header(p, vb_start, vb_stop, &tag, &oid_start)
        if oid_stop < 0 or tag != OID:
            return None
        v_stop = _header(p, oid_stop, vb_stop, &tag, &v_start)
        if v_stop != vb_stop:
            return None
        name = _oid(p, oid_start, oid_stop)
        if name is None:
            return None
        if tag == INTEGER:
            if v_start == v_stop:
                return None
            value = _signed(p, v_start, v_stop)
        elif tag == OCTET_STRING or tag == OPAQUE or tag == NSAP_ADDRESS:
            value = PyBytes_FromStringAndSize(<const char*>p + v_start, v_stop - v_start)
        elif 0x41 <= tag <= 0x43 or tag == 0x46 or tag == 0x47:
            if v_start == v_stop:
                return None
            value = _unsigned(p, v_start, v_stop)
        elif tag == OID:
            value = _oid(p, v_start, v_stop)
            if value is None:
                return None
            value = value[1]
        elif tag == IP_ADDRESS:
            if v_stop - v_start != 4:
                return None
            value = f"{p[v_start]}.{p[v_start + 1]}.{p[v_start + 2]}.{p[v_start + 3]}"
        elif tag & 0x20:
            return None
        else:
            value = None  # NULL, the v2c exceptions, types SNMP does not define
        out.append((name[0], name[1], value))
        pos = vb_stop
    return out
