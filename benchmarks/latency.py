"""A TCP forwarder that holds every chunk for a while each way: a network with a round-trip time.

Loopback has a round trip of about 0.05 ms, which no application talking to its
database has (same-region cloud: 0.5-2 ms; app server to a hosted database in
another zone or through a pooler: 2-10 ms). Benchmarks that count round trips
(1 + N queries against one RPC) run through this to measure what users get.
The delay is added in user space; the benchmark reports the round trip it
actually measured through the proxy, not the nominal one.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def feed() -> None:
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, data))
        queue.put_nowait((0.0, b""))

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    await asyncio.gather(feed(), deliver(), return_exceptions=True)


@contextlib.contextmanager
def delayed_port(target_port: int, one_way_seconds: float) -> Iterator[int]:
    """A local port that forwards to `target_port` with `one_way_seconds` added each way."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []
    writers: list[asyncio.StreamWriter] = []
    servers: list[asyncio.base_events.Server] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
            writers.extend((writer, up_writer))
            await asyncio.gather(
                _pump(reader, up_writer, one_way_seconds),
                _pump(up_reader, writer, one_way_seconds),
            )
        except asyncio.CancelledError:  # the proxy is shutting down
            pass

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()

    async def shutdown() -> None:
        for server in servers:
            server.close()
        for writer in writers:
            writer.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve())
        loop.run_forever()
        loop.run_until_complete(shutdown())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield port[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
