"""The benchmark's link proxy: it forwards, slows down, goes silent and comes back."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from bench.proxy import LinkProxy

SILENCE_S = 0.3


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = _EchoServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo_port: int) -> Iterator[LinkProxy]:
    with LinkProxy("127.0.0.1", echo_port) as running:
        yield running


def connect(proxy: LinkProxy) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    return client


def read_to_end(client: socket.socket) -> bytes:
    """What arrives before the connection ends; a reset ends it too."""
    try:
        return client.recv(100)
    except ConnectionResetError:
        return b""


def round_trip(client: socket.socket, message: bytes) -> bytes:
    client.sendall(message)
    received = b""
    while len(received) < len(message):
        chunk = client.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def test_forwards_bytes_both_ways_unchanged(proxy: LinkProxy) -> None:
    with connect(proxy) as client:
        assert round_trip(client, b"hello office") == b"hello office"


def test_a_large_transfer_arrives_whole_and_in_order(proxy: LinkProxy) -> None:
    payload = bytes(range(256)) * 8192  # 2 MiB, more than the proxy holds at once
    with connect(proxy) as client:
        sender = threading.Thread(target=client.sendall, args=(payload,))
        sender.start()
        received = bytearray()
        while len(received) < len(payload):
            chunk = client.recv(65536)
            assert chunk, "the proxy closed the connection mid-transfer"
            received += chunk
        sender.join()
    assert bytes(received) == payload


def test_latency_is_added_in_each_direction(proxy: LinkProxy) -> None:
    proxy.set_latency(0.05)
    with connect(proxy) as client:
        started = time.perf_counter()
        assert round_trip(client, b"ping") == b"ping"
        elapsed = time.perf_counter() - started
    assert proxy.latency == 0.05
    assert elapsed >= 2 * 0.05


def test_negative_latency_is_refused_and_the_latency_stays(proxy: LinkProxy) -> None:
    proxy.set_latency(0.01)
    with pytest.raises(ValueError, match="latency cannot be negative"):
        proxy.set_latency(-1)
    assert proxy.latency == 0.01


def test_blackhole_delivers_nothing_and_closes_nothing(proxy: LinkProxy) -> None:
    with connect(proxy) as before:
        assert round_trip(before, b"up") == b"up"
        proxy.blackhole()
        assert proxy.is_down
        before.settimeout(SILENCE_S)
        before.sendall(b"anyone there?")
        with pytest.raises(TimeoutError):
            before.recv(100)  # neither an answer nor an end of stream: a half-open link
        # A new connection is accepted but never answered, like a server behind a dead VPN.
        with connect(proxy) as during:
            during.settimeout(SILENCE_S)
            during.sendall(b"hello?")
            with pytest.raises(TimeoutError):
                during.recv(100)


def test_restore_resets_the_old_connections_and_new_ones_work(proxy: LinkProxy) -> None:
    with connect(proxy) as before:
        assert round_trip(before, b"up") == b"up"
        proxy.blackhole()
        before.sendall(b"lost in the outage")
        time.sleep(0.05)
        proxy.restore()
        assert not proxy.is_down
        before.settimeout(2)
        assert read_to_end(before) == b"", "bytes sent into the outage must not arrive later"
    with connect(proxy) as after:
        assert round_trip(after, b"back") == b"back"


def test_stop_closes_open_connections(echo_port: int) -> None:
    proxy = LinkProxy("127.0.0.1", echo_port).start()
    client = connect(proxy)
    assert round_trip(client, b"x") == b"x"
    proxy.stop()
    with client:
        assert read_to_end(client) == b""
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", proxy.port), timeout=1).close()


def test_a_target_off_this_machine_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'192\.0\.2\.10' is not a loopback address"):
        LinkProxy("192.0.2.10", 5432)
