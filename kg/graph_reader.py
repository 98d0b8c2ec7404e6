"""Reading the graphs a push sends: each graph's canonical text, its hash and its compressed content.

A push reads the text of every graph it sends. The writes keep each graph's
text beside the store (:mod:`ceasefire_kg.graph_texts`), named by its hash:
reading it from there costs a file read and a decompression. A graph without
a kept text (a store written before the texts were kept) is read from
Oxigraph (:meth:`~ceasefire_kg.store.Store.graph_ntriples`), which decodes
every term as it writes the text and holds the interpreter meanwhile. So
when there are many such graphs, a second process opens the store read only
and reads, hashes and compresses them in push order, while this one parses
and plans: the two overlap (it runs :func:`serve`: the graph IRIs and their
recorded hashes as JSON on its standard input, the records on its standard
output). The module lives outside :mod:`ceasefire_kg.push`, whose imports
(the Neo4j driver) that process does not need.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ceasefire_kg.errors import StoreError
from ceasefire_kg.graph_texts import GraphTexts, compress
from ceasefire_kg.store import Store, content_hash

logger = logging.getLogger(__name__)

#: From this many graphs to read from Oxigraph on, a second process reads them (its start costs a few tenths of a second).
PROCESS_GRAPHS = 100
#: How many graphs the second process may read ahead of the planning.
_READ_AHEAD = 256
#: A record: the length of the compressed content, then the hash (64 hex digits), then the content.
#: Only the compressed content crosses the pipe (a sixteenth of the text): this process decompresses
#: it much faster than it could wait for the whole text to come through.
_HEADER = struct.Struct("<Q64s")
#: Linux's fcntl to enlarge a pipe, so that the second process blocks less often.
_SET_PIPE_SIZE = 1031
_PIPE_SIZE = 1 << 20
_EXCEPTION_LINE = re.compile(r"^[\w.]+(?:Error|Exception): ")
#: What the second process runs.
_SERVE = (
    "import sys; from pathlib import Path; from ceasefire_kg.graph_reader import serve; "
    "serve(Path(sys.argv[1]), sys.stdin.buffer, sys.stdout.buffer)"
)


@dataclass
class GraphText:
    """One graph as the push sends it."""

    iri: str
    #: Its canonical N-Triples text.
    text: bytes
    #: :func:`~ceasefire_kg.store.content_hash` of the text.
    hash: str
    #: The text, zlib-compressed, as the ``:CkgGraph`` node keeps it.
    content: bytes


def read_graph(store: Store, iri: str, digest: str | None = None, texts: GraphTexts | None = None) -> GraphText:
    """Read one graph's text, hash and compressed content: kept beside the store, else from Oxigraph.

    Args:
        store: The store.
        iri: The graph's IRI.
        digest: The graph's recorded hash, which names its kept text (see :mod:`ceasefire_kg.graph_texts`).
        texts: The store's kept texts (made from ``store`` when not given).
    """
    if digest:
        kept = (texts or GraphTexts(store.path)).read(digest)
        if kept is not None:
            return GraphText(iri, kept[0], digest, kept[1])
    text = store.graph_ntriples(iri)
    return GraphText(iri, text, content_hash(text), compress(text))


def read_graphs(
    store: Store, iris: list[str], *, hashes: dict[str, str] | None = None, process_graphs: int | None = None
) -> Generator[GraphText, None, None]:
    """Read the graphs in the given order; from ``process_graphs`` graphs to read from Oxigraph on, in a second process.

    A graph whose text is kept beside the store under its recorded hash is
    read from there (much cheaper than from Oxigraph); the others from Oxigraph.
    Close the iterator when stopping early: that ends the second process.

    Args:
        store: The store (on disk; the second process opens it read only).
        iris: The graphs to read.
        hashes: The recorded hash of each graph (:meth:`~ceasefire_kg.store.Store.graph_hashes`), if known.
        process_graphs: From how many graphs to read from Oxigraph on a second
            process reads them (:data:`PROCESS_GRAPHS` by default).

    Raises:
        StoreError: The second process could not read the store.
    """
    digests = {iri: (hashes or {}).get(iri) or "" for iri in iris}
    texts = GraphTexts(store.path)
    kept = texts.kept() if hashes else set()
    uncached = sum(1 for iri in iris if digests[iri] not in kept)
    if uncached < (PROCESS_GRAPHS if process_graphs is None else process_graphs):
        for iri in iris:
            yield read_graph(store, iri, digests[iri], texts)
        return
    yield from _read_in_process(store.path, iris, digests)


class _Records:
    """Drains the second process's output into a bounded queue, so that it can read ahead."""

    _END = None

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.records: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=_READ_AHEAD)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._drain, name="ckg-push-reader", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        # The reads release the interpreter: they overlap with the planning.
        try:
            while not self.stopped.is_set():
                header = self.stream.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    break
                content_length, digest = _HEADER.unpack(header)
                content = self.stream.read(content_length)
                if len(content) < content_length:
                    break
                self._put((digest.decode("ascii"), content))
        finally:
            self._put(self._END)

    def _put(self, item: tuple[str, bytes] | None) -> None:
        while not self.stopped.is_set():
            try:
                self.records.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


def _read_in_process(path: Path, iris: list[str], digests: dict[str, str]) -> Generator[GraphText, None, None]:
    command = [sys.executable, "-c", _SERVE, str(path)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
        raise StoreError(f"Could not start a process to read the store at {path}: {error}.") from error
    assert process.stdin is not None and process.stdout is not None, "pipes"
    try:
        import fcntl  # POSIX only

        fcntl.fcntl(process.stdout.fileno(), _SET_PIPE_SIZE, _PIPE_SIZE)
    except (ImportError, OSError):  # not Linux, or above the system's limit: the default size works too
        logger.debug("Could not enlarge the reader's pipe")
    # It reads the whole list before it writes anything: no deadlock.
    process.stdin.write(json.dumps({"iris": iris, "hashes": digests}).encode("utf-8"))
    process.stdin.close()
    records = _Records(process.stdout)
    done = 0
    cut = False
    try:
        for iri in iris:
            record = records.records.get()
            if record is None:
                cut = True
                break
            digest, content = record
            yield GraphText(iri, zlib.decompress(content), digest, content)
            done += 1
    finally:
        if done < len(iris):
            process.kill()
        records.stop()
        process.stdout.close()
        errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        code = process.wait()
        if process.stderr:
            process.stderr.close()
    if cut:
        problem = errors.strip().splitlines()[-1] if errors.strip() else f"exit code {code}"
        # The last line of a traceback: "ceasefire_kg.errors.StoreError: what went wrong".
        problem = _EXCEPTION_LINE.sub("", problem)
        raise StoreError(
            f"Reading the graphs of the store at {path} in a second process stopped after {done} of "
            f"{len(iris)} graphs ({problem}). Check that the store is readable and push again."
        )


def serve(path: Path, requests: IO[bytes], out: IO[bytes]) -> None:
    """What the second process does: read the graphs listed on ``requests``, write their records to ``out``.

    Args:
        path: The store.
        requests: JSON: the graph IRIs (``iris``) and their recorded hashes (``hashes``).
        out: Where each graph's record goes, in the order of the list.
    """
    request = json.loads(requests.read())
    digests = request["hashes"]
    with Store.open_read_only(path) as store:
        texts = GraphTexts(path)
        for iri in request["iris"]:
            graph = read_graph(store, iri, digests.get(iri), texts)
            out.write(_HEADER.pack(len(graph.content), graph.hash.encode("ascii")))
            out.write(graph.content)
    out.flush()
