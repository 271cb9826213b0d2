"""discovery.reach on loopback: refused ports are 'gone', listeners and silence are not."""

from __future__ import annotations

import socket
import threading

from discovery.reach import tcp_gone, udp_gone

ADDRESS = "127.0.0.1"


def _free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((ADDRESS, 0))
        return int(sock.getsockname()[1])


def test_a_closed_tcp_port_is_refused() -> None:
    assert tcp_gone(ADDRESS, _free_port(socket.SOCK_STREAM), 1.0) == "refused"


def test_a_listening_tcp_port_is_not_gone() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((ADDRESS, 0))
        server.listen(1)
        assert tcp_gone(ADDRESS, server.getsockname()[1], 1.0) is None


def test_a_closed_udp_port_is_refused() -> None:
    assert udp_gone(ADDRESS, _free_port(socket.SOCK_DGRAM), 1.0) == "refused"


def test_a_silent_udp_listener_is_not_gone() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind((ADDRESS, 0))
        assert udp_gone(ADDRESS, silent.getsockname()[1], 0.2) is None


def test_an_answering_udp_listener_is_not_gone() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as echo:
        echo.bind((ADDRESS, 0))
        echo.settimeout(1.0)
        port = echo.getsockname()[1]
        def answer() -> None:
            _data, peer = echo.recvfrom(16)
            echo.sendto(b"x", peer)

        worker = threading.Thread(target=answer)
        worker.start()
        assert udp_gone(ADDRESS, port, 1.0) is None
        worker.join()
