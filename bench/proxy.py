"""A loopback TCP proxy that can make the link to the database slow, or silently dead.

The stall benchmark puts it between the window and PostgreSQL to play a slow office network
and a dropped VPN, without touching the machine's network settings.

- `set_latency(seconds)` delays every chunk by `seconds` in EACH direction: a request and its
  answer cross twice, so a round trip gains twice that (0.025 makes 50 ms round trips).
- `blackhole()` is a half-open link: nothing is closed and nothing arrives. Bytes in flight and
  bytes sent meanwhile are dropped; new connections are accepted and never answered.
- `restore()` brings the link back, but not the connections that lived through the outage:
  they are reset, as when a VPN reconnects with new addresses or a NAT forgot them, so the
  client must reconnect. Their bytes were dropped, so resuming them would only corrupt the
  protocol.

One way this differs from a real dead link: the proxy's own kernel acknowledges every byte
and answers keepalive probes, so the client's TCP keepalives and `tcp_user_timeout` never see
the outage; only the application's own timeouts (connect, statement, its own timers) can.

The proxy runs an asyncio loop on a background thread; the controls may be called from any
thread and return once they have taken effect. Both ends must be loopback addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

CHUNK_BYTES = 64 * 1024
# At most this many chunks wait in each direction of a connection: a bounded buffer that
# pushes back on the sender instead of growing.
QUEUED_CHUNKS = 64
CONTROL_TIMEOUT_S = 10.0

T = TypeVar("T")


def require_loopback(host: str) -> None:
    """Refuse anything but this machine: the proxy must never reach out to a real network."""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise ValueError(f"{host!r} is not a loopback address")


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (RST), as a peer that lost the connection's state answers."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@dataclass(eq=False)
class _Connection:
    """One client connection and, unless it arrived while the link was down, its upstream."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    finished_directions: int = 0

    def close(self, reset: bool) -> None:
        for task in self.tasks:
            task.cancel()
        if reset:
            _reset(self.client)
        else:
            self.client.transport.abort()
        if self.upstream is not None:
            # The server sees its client go away and ends the session, holding no locks.
            self.upstream.transport.abort()


class LinkProxy:
    """Listens on 127.0.0.1 at an ephemeral `port` and forwards to `target_host:target_port`."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        require_loopback(target_host)
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self._latency = 0.0
        self._down = False
        self._connections: set[_Connection] = set()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="link-proxy")
        self._thread.daemon = True  # never keeps a finished or aborted benchmark alive

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> LinkProxy:
        self._thread.start()
        self._server = self._call(self._listen())
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every connection; the servers' sessions end with them."""
        if not self._thread.is_alive():
            return
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CONTROL_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> LinkProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- controls -----------------------------------------------------------------------

    @property
    def latency(self) -> float:
        """Seconds added to every chunk in each direction."""
        return self._latency

    @property
    def is_down(self) -> bool:
        return self._down

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    def set_latency(self, seconds: float) -> None:
        """Delay every chunk by `seconds` each way, so a round trip gains 2 × `seconds`."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self._call(self._apply(latency=seconds))

    def blackhole(self) -> None:
        """Stop forwarding in both directions without closing anything."""
        self._call(self._apply(down=True))

    def restore(self) -> None:
        """Forward again; every connection that lived through the outage is reset."""
        self._call(self._restore())

    # -- the loop's side ----------------------------------------------------------------

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(CONTROL_TIMEOUT_S)

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def _apply(self, latency: float | None = None, down: bool | None = None) -> None:
        if latency is not None:
            self._latency = latency
        if down is not None:
            self._down = down

    async def _restore(self) -> None:
        survivors, self._connections = self._connections, set()
        for connection in survivors:
            connection.close(reset=True)
        self._down = False

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in self._connections:
            connection.close(reset=False)
        self._connections.clear()
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = _Connection(writer)
        self._connections.add(connection)
        if self._down:
            # Accepted, then silence: read and drop until the link returns and resets it.
            self._spawn(connection, self._swallow(reader))
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            self._forget(connection, reset=True)  # like a refused connection to the server
            return
        connection.upstream = up_writer
        if self._down:  # the link dropped while the server was being reached
            self._spawn(connection, self._swallow(reader))
            self._spawn(connection, self._swallow(up_reader))
            return
        self._spawn(connection, self._pump(connection, reader, up_writer))
        self._spawn(connection, self._pump(connection, up_reader, writer))

    def _spawn(self, connection: _Connection, work: Coroutine[Any, Any, None]) -> None:
        task = self._loop.create_task(work)
        connection.tasks.add(task)
        task.add_done_callback(connection.tasks.discard)

    def _forget(self, connection: _Connection, reset: bool) -> None:
        if connection in self._connections:
            self._connections.discard(connection)
            connection.close(reset)

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError):
            while await reader.read(CHUNK_BYTES):
                pass

    async def _pump(
        self, connection: _Connection, source: asyncio.StreamReader, sink: asyncio.StreamWriter
    ) -> None:
        """One direction: read, hold each chunk for the latency, deliver in order."""
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue(QUEUED_CHUNKS)
        deliver = self._loop.create_task(self._deliver(connection, queue, sink))
        connection.tasks.add(deliver)
        try:
            while data := await source.read(CHUNK_BYTES):
                if not self._down:
                    await queue.put((self._loop.time() + self._latency, data))
        except OSError:
            pass
        await queue.put(None)

    async def _deliver(
        self,
        connection: _Connection,
        queue: asyncio.Queue[tuple[float, bytes] | None],
        sink: asyncio.StreamWriter,
    ) -> None:
        while (item := await queue.get()) is not None:
            due, data = item
            wait = due - self._loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if self._down:
                continue  # in flight when the link dropped: lost
            try:
                sink.write(data)
                await sink.drain()
            except OSError:
                self._forget(connection, reset=False)
                return
        if self._down:
            return  # nothing is closed while the link is down; restoring resets it
        # The sender finished: pass its end on, and close once both directions have.
        connection.finished_directions += 1
        if connection.finished_directions == 2 or not sink.can_write_eof():
            self._forget(connection, reset=False)
            return
        try:
            sink.write_eof()
        except OSError:
            self._forget(connection, reset=False)
