"""Each named graph's canonical text, kept compressed beside the store by the writes that make it.

A push sends every graph's canonical N-Triples text (its ``:CkgGraph``
content) and parses it; reading it back from Oxigraph, which decodes every
term, cost as much CPU as all the push's planning (about 12 µs a quad). The
writes already hold that text, to hash it (:meth:`~ceasefire_kg.store.Store.graph_hashes`),
so they also keep it, zlib-compressed as the ``:CkgGraph`` node holds it, in
the store's ``graph-texts`` folder, one file per content named by its hash.

The files are a shortcut only, like the recorded hashes: a file is used when
its content hashes to the name asked for, so a missing, stale or damaged one
makes the reader go back to Oxigraph, never read something else. A file is
written (whole, then renamed) before the hash that names it is recorded, and
files no recorded hash names are removed after each write.

A text is kept only when Oxigraph gives it back as written. It does not
always: it stores some typed literals by value and writes them back in their
canonical form (``"2.50"^^xsd:decimal`` comes back as ``"2.5"``, an
``xsd:int`` as an ``xsd:integer``), and blank nodes by their identifiers. So
a graph with blank nodes is not kept, nor one with a typed literal that an
in-memory Oxigraph store, asked once per distinct literal, gives back otherwise.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import zlib
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

logger = logging.getLogger(__name__)

#: The folder, inside the store's, holding the texts.
FOLDER = "graph-texts"
#: zlib level: the quickest (the texts are read once per push).
COMPRESSION = 1
_SUFFIX = ".nt.z"
#: Where a typed literal ends a line of canonical N-Triples (its datatype IRI, then " .").
_TYPED_END = re.compile(rb'"\^\^<[^>\n]*> \.$', re.MULTILINE)
_ORACLE_SUBJECT = b"<urn:ckg:literal> <urn:ckg:value> "


def compress(text: bytes) -> bytes:
    """A graph's text as the ``:CkgGraph`` node and the files keep it."""
    return zlib.compress(text, COMPRESSION)


class GraphTexts:
    """The compressed texts of a store's graphs, by content hash.

    Args:
        store: The store's folder.
    """

    def __init__(self, store: Path) -> None:
        self.folder = store / FOLDER
        # A typed literal as written -> whether Oxigraph gives it back so.
        self._verbatim: dict[bytes, bool] = {}

    def _file(self, digest: str) -> Path:
        return self.folder / (digest + _SUFFIX)

    def write(self, digest: str, text: bytes) -> None:
        """Keep a graph's text under its hash (nothing happens when it is kept already).

        Raises:
            OSError: The folder cannot be written.
        """
        target = self._file(digest)
        if target.exists() or not self.comes_back_as_written(text):
            return
        self.folder.mkdir(exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(compress(text))
        os.replace(temporary, target)

    def comes_back_as_written(self, text: bytes) -> bool:
        """Whether Oxigraph, storing a graph's canonical text, gives back exactly that text.

        Args:
            text: The graph's lines as Oxigraph writes its terms, sorted.
        """
        if text.startswith(b"_:") or b"\n_:" in text or b" _:" in text:
            return False
        literals = []
        for match in _TYPED_END.finditer(text):
            # Subject and predicate are IRIs, which hold no space: the object starts after the second.
            start = text.rfind(b"\n", 0, match.start()) + 1
            start = text.index(b" ", text.index(b" ", start) + 1) + 1
            literals.append(text[start : match.end() - 2])
        unknown = [literal for literal in dict.fromkeys(literals) if literal not in self._verbatim]
        if unknown:
            written = [_ORACLE_SUBJECT + literal + b" ." for literal in unknown]
            oracle = ox.Store()
            try:
                oracle.load(b"\n".join(written) + b"\n", format=ox.RdfFormat.N_TRIPLES)
            except (SyntaxError, ValueError):  # not literals after all: keep nothing of this graph
                return False
            back = io.BytesIO()
            oracle.dump(back, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            stored = set(back.getvalue().splitlines())
            for literal, line in zip(unknown, written):
                self._verbatim[literal] = line in stored
        return all(self._verbatim[literal] for literal in literals)

    def read(self, digest: str) -> tuple[bytes, bytes] | None:
        """The text and compressed content kept under a hash; None unless a file holds exactly that.

        Args:
            digest: The content hash (:func:`~ceasefire_kg.store.content_hash`) of the text wanted.
        """
        try:
            content = self._file(digest).read_bytes()
            text = zlib.decompress(content)
        except (OSError, ValueError, zlib.error):
            return None
        if hashlib.sha256(text).hexdigest() != digest:
            logger.warning("The kept text of a graph does not match its hash %s; reading the store instead", digest)
            return None
        return text, content

    def kept(self) -> set[str]:
        """The hashes of the texts kept."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return set()
        return {name[: -len(_SUFFIX)] for name in names if name.endswith(_SUFFIX)}

    def prune(self, recorded: Iterable[str]) -> None:
        """Remove the texts that no recorded hash names (files being written included)."""
        keep = set(recorded)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith(_SUFFIX) and name[: -len(_SUFFIX)] in keep:
                continue
            try:
                (self.folder / name).unlink()
            except OSError as error:  # another process removed it, or a read-only folder: harmless
                logger.debug("Could not remove %s: %s", name, error)
