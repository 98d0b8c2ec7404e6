"""Helpers for the push and read-back tests: database snapshots, exports, a cuttable proxy."""

from __future__ import annotations

import io
import shutil
import socket
import threading
from pathlib import Path
from typing import Any

import neo4j
from rdflib import Graph

from ceasefire_kg.neo4j_read import export_neo4j
from ceasefire_kg.store import Store

Snapshot = tuple[list[Any], list[Any]]


def _frozen(props: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((key, repr(value)) for key, value in props.items()))


def snapshot(driver: neo4j.Driver, database: str) -> Snapshot:
    """Every node (but the push's lock node) and relationship, with labels and properties, sorted."""
    with driver.session(database=database) as session:
        nodes = sorted(
            (tuple(sorted(r["labels"])), _frozen(r["props"]))
            for r in session.run("MATCH (n) WHERE NOT n:CkgMeta RETURN labels(n) AS labels, properties(n) AS props")
        )
        rels = sorted(
            (r["s"], r["t"], r["o"], _frozen(r["props"]))
            for r in session.run(
                "MATCH (a)-[r]->(b) RETURN a.uri AS s, type(r) AS t, b.uri AS o, properties(r) AS props"
            )
        )
    return nodes, rels


def counts(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """All nodes and relationships in the database."""
    with driver.session(database=database) as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    return nodes, rels


def empty_database(driver: neo4j.Driver, database: str) -> None:
    """Delete every node (constraints and indexes stay)."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def store_ntriples(store_path: Path) -> bytes:
    """The store's merged graph as N-Triples (``ckg export -f ntriples``)."""
    with Store.open_read_only(store_path) as store:
        output = io.BytesIO()
        store.export(output, "ntriples")
    return output.getvalue()


def neo4j_ntriples(driver: neo4j.Driver, database: str) -> bytes:
    """The graph read back from Neo4j as N-Triples (``ckg export --from neo4j -f ntriples``)."""
    output = io.BytesIO()
    export_neo4j(driver, database, output, "ntriples")
    return output.getvalue()


def rdf_graph(ntriples: bytes) -> Graph:
    """Parse N-Triples into an rdflib graph."""
    return Graph().parse(data=ntriples.decode("utf-8"), format="nt")


def copy_store(source: Path, target: Path) -> Path:
    """Copy a (closed) store folder."""
    shutil.copytree(source, target)
    return target


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 to a Bolt server whose connections can be cut at once.

    ``arm(after_bytes)`` makes it cut every connection (and stop accepting new
    ones) once that many more bytes went from the client to the server.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.cut_event = threading.Event()
        self.budget: int | None = None
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut_event.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, outgoing: bool) -> None:
        while not self.cut_event.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                break
            if not data:
                break
            if outgoing:
                with self.lock:
                    if self.budget is not None:
                        self.budget -= len(data)
                        if self.budget <= 0:
                            threading.Thread(target=self.cut, daemon=True).start()
                            break
            try:
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def arm(self, after_bytes: int) -> None:
        """Cut everything once ``after_bytes`` more bytes went to the server."""
        with self.lock:
            self.budget = after_bytes

    def cut(self) -> None:
        """Close every connection and stop listening."""
        self.cut_event.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
