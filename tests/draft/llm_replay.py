"""A local stand-in for an OpenAI-compatible chat-completions endpoint, replaying recorded answers.

It listens on 127.0.0.1 (a free port) in a thread of the test session and
answers each POST with the next recorded answer of its script: a file under
``data/llm/`` (sent as the JSON body), ``("status", 500)`` for an HTTP error,
or ``("sleep", seconds)`` for an answer that comes too late. It keeps each
request's JSON body and headers so that tests can check what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "data" / "llm"

Step = str | tuple[str, float]


@dataclass
class Replay:
    """The server's script and what it was sent."""

    url: str
    script: list[Step]
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def replay_server(*script: Step) -> Iterator[Replay]:
    """Serve ``script`` on 127.0.0.1 until the block ends; yields the base URL (``.../v1``) and the record."""
    replay = Replay("", list(script))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                replay.requests.append(body)
                replay.headers.append(dict(self.headers))
                step = replay.script.pop(0) if replay.script else ("status", 500)
            if isinstance(step, tuple) and step[0] == "sleep":
                time.sleep(step[1])
                step = "good.json"
            if isinstance(step, tuple):
                self.send_response(int(step[1]))
                self.end_headers()
                return
            data = (RECORDED / step).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout case)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    replay.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
