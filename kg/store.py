"""The embedded store: an on-disk Oxigraph database in a folder, no server needed.

Oxigraph was chosen over rdflib's in-memory store because it persists between
runs without re-parsing, applies a SPARQL update as one transaction (a load
either lands whole or not at all) and answers SPARQL in native code.
``benchmarks/store_choice.py`` measures it against rdflib's memory store and
rdflib over Oxigraph (oxrdflib); figures in ``docs/benchmarks.md`` ("Store choice").

Each article lives in its own named graph; the default graph seen by queries
is the union of all named graphs.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib.namespace import RDF

from ceasefire_kg.errors import StoreError
from ceasefire_kg.files import loading_folder, remove_abandoned_loads
from ceasefire_kg.graph_texts import GraphTexts
from ceasefire_kg.namespaces import GRAPH, PREFIXES, SCHEMA_GRAPH, article_graph_iri, iri
from ceasefire_kg.rdf_output import EXPORT_FORMATS, serialize

logger = logging.getLogger(__name__)

_MARKER = "ckg-store"
_DATABASE = "oxigraph"
_ARTICLE_GRAPH_PREFIX = str(GRAPH) + "article/"
_RDF_TYPE = iri(RDF.type)
#: Content hash of each named graph, recorded by every write (see Store.graph_hashes).
_HASHES = "graph-hashes.json"
#: Most quads handed to Oxigraph's bulk loader at once (its memory grows with the batch).
_BULK_BATCH = 250_000

#: A triple to store: an ox.Triple, or its three terms as a tuple. The loader
#: holds tuples: they share their term objects, where an ox.Triple holds copies
#: of the terms' text (twice the memory of a loaded corpus).
TermTriple = ox.Triple | tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]

#: A graph's content to write: its triples, or their N-Triples text as :func:`ntriples_bytes`
#: wrote it (a caller that already has that text saves writing it again).
GraphContent = Iterable[TermTriple] | bytes


@cache
def ontology_triples() -> tuple[ox.Triple, ...]:
    """The ontology and concept schemes shipped with the package."""
    data = resources.files("ceasefire_kg.schema").joinpath("ontology.ttl").read_bytes()
    return tuple(quad.triple for quad in ox.parse(data, format=ox.RdfFormat.TURTLE))


def content_hash(text: bytes) -> str:
    """SHA-256 of a graph's canonical text (:meth:`Store.graph_ntriples`)."""
    return hashlib.sha256(text).hexdigest()


def ntriples_bytes(triples: Iterable[TermTriple]) -> bytes:
    """Triples as N-Triples text, written by Oxigraph, in their order, duplicates kept.

    For handing a graph to Oxigraph when neither order nor the hash matter.
    """
    as_triples = (triple if isinstance(triple, ox.Triple) else ox.Triple(*triple) for triple in triples)
    return ox.serialize(as_triples, format=ox.RdfFormat.N_TRIPLES) or b""


def ntriples_lines(triples: GraphContent) -> list[bytes]:
    """A graph's triples as its canonical N-Triples lines: sorted, each once, without line ends.

    The lines are Oxigraph's own, so they are those :meth:`Store.graph_ntriples`
    gives back once the graph is stored, and hash alike.

    Args:
        triples: The triples, or their text as :func:`ntriples_bytes` wrote it.
    """
    text = triples if isinstance(triples, bytes) else ntriples_bytes(triples)
    # N-Triples escapes line breaks inside literals: a line break ends a triple.
    return sorted(set(text.splitlines()))


def lines_hash(lines: Sequence[bytes]) -> str:
    """The :func:`content_hash` of a graph given as :func:`ntriples_lines`."""
    return content_hash(_text_of(lines))


def _text_of(lines: Sequence[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


@cache
def ontology_lines() -> tuple[bytes, ...]:
    """The ontology graph as its canonical N-Triples lines (see :func:`ntriples_lines`)."""
    return tuple(ntriples_lines(ontology_triples()))


class Store:
    """An embedded ceasefire-kg store kept in a folder.

    Use :meth:`open` (read-write, one process at a time) or
    :meth:`open_read_only`; both are context managers.

    Args:
        path: The store folder.
        database: The opened Oxigraph database.
    """

    def __init__(self, path: Path, database: ox.Store) -> None:
        self.path = path
        self._db = database

    # -- opening -------------------------------------------------------

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[Store]:
        """Open (creating if needed) a store for reading and writing.

        Raises:
            StoreError: If the folder is not a store or another process holds it.
        """
        cls._prepare(path, create=True)
        try:
            database = ox.Store(str(path / _DATABASE))
        except OSError as error:
            raise StoreError(cls._explain_open_error(path, error)) from error
        store = cls(path, database)
        try:
            yield store
        finally:
            database.flush()
            del store._db

    @classmethod
    @contextmanager
    def open_read_only(cls, path: Path) -> Iterator[Store]:
        """Open an existing store without writing to it (works while another process writes).

        Raises:
            StoreError: If there is no store at ``path``.
        """
        cls._prepare(path, create=False)
        try:
            database = ox.Store.read_only(str(path / _DATABASE))
        except OSError as error:
            raise StoreError(cls._explain_open_error(path, error)) from error
        yield cls(path, database)

    @staticmethod
    def exists(path: Path) -> bool:
        """Tell whether ``path`` holds a ceasefire-kg store."""
        return (path / _MARKER).is_file()

    @staticmethod
    def _prepare(path: Path, *, create: bool) -> None:
        marker = path / _MARKER
        if marker.is_file():
            return
        if not create:
            raise StoreError(
                f"No ceasefire-kg store at {path}. Load article files first with 'ckg load PATH', "
                "or point at an existing store with --store / CKG_STORE."
            )
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise StoreError(
                f"{path} exists and is not a ceasefire-kg store. Choose another folder with --store / CKG_STORE."
            )
        try:
            path.mkdir(parents=True, exist_ok=True)
            marker.write_text("ceasefire-kg embedded store (Oxigraph); do not edit by hand\n", encoding="utf-8")
        except OSError as error:
            raise StoreError(
                f"Cannot create the store at {path}: {error.strerror}. Choose a writable folder."
            ) from error

    @staticmethod
    def _explain_open_error(path: Path, error: OSError) -> str:
        text = str(error)
        if "lock" in text.lower():
            return f"The store at {path} is in use by another ckg process. Wait for it to finish, then try again."
        return f"Cannot open the store at {path}: {text}"

    # -- writing -------------------------------------------------------

    @classmethod
    def create(cls, path: Path, graphs: Iterable[tuple[ox.NamedNode, GraphContent]]) -> int:
        """Create a new store holding named graphs (and the ontology graph), all or nothing.

        The store is bulk-loaded in a temporary folder beside ``path`` and
        renamed into place once complete; if anything fails, the temporary
        folder is deleted and ``path`` is left as it was. Much faster than a
        transaction for big loads, which Oxigraph holds wholly in memory.

        Args:
            path: The store folder; it must not exist or be an empty folder.
            graphs: ``(graph IRI, triples)`` pairs; the triples may be given as
                their N-Triples text as :func:`ntriples_bytes` wrote it.

        Returns:
            The number of distinct triples in the union of the graphs, which is
            what :meth:`count_triples` answers on the new store.

        Raises:
            StoreError: If ``path`` is taken or the store cannot be written.
        """
        if cls.exists(path):
            raise StoreError(f"A ceasefire-kg store already exists at {path}; load into it with 'ckg load'.")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise StoreError(
                f"{path} exists and is not a ceasefire-kg store. Choose another folder with --store / CKG_STORE."
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_abandoned_loads(path)
            # mkdir (not mkdtemp) so that the store gets the usual folder permissions.
            temporary = loading_folder(path)
            temporary.mkdir()
        except OSError as error:
            raise StoreError(
                f"Cannot create the store at {path}: {error.strerror}. Choose a writable folder."
            ) from error
        done = False
        try:
            total = cls._bulk_write(temporary, graphs)
            if path.is_dir():
                path.rmdir()  # an empty folder made beforehand: rename cannot replace it
            temporary.rename(path)
            done = True
        except (OSError, SyntaxError, ValueError) as error:
            if isinstance(error, OSError) and cls.exists(path):
                # Another first load finished while this one was writing.
                raise StoreError(
                    f"Another ckg load created the store at {path} while this one was writing it; "
                    "nothing of this load was stored."
                ) from error
            raise StoreError(f"Writing the new store at {path} failed; nothing was stored: {error}") from error
        finally:
            if not done:
                shutil.rmtree(temporary, ignore_errors=True)
        logger.info("created the store at %s with %d triples", path, total)
        return total

    @staticmethod
    def _bulk_write(folder: Path, graphs: Iterable[tuple[ox.NamedNode, GraphContent]]) -> int:
        (folder / _MARKER).write_text("ceasefire-kg embedded store (Oxigraph); do not edit by hand\n", encoding="utf-8")
        # The N-Quads go through files so that neither they nor a transaction
        # are held in memory; the lines are hashed on the way. Oxigraph's bulk
        # loader keeps a whole batch in memory (about 1 GB per million quads),
        # so the quads are cut into files of at most _BULK_BATCH, loaded one
        # after the other, each ingested whole; it costs no time.
        hashes: dict[str, str] = {}
        # Digests, not the lines, count the distinct triples: a 16-byte digest
        # is a fraction of a line's memory, and a collision is out of reach.
        union: set[bytes] = set()
        texts = GraphTexts(folder)
        batches: list[Path] = []
        output: IO[bytes] | None = None
        in_batch = 0
        try:
            # One graph at a time, so that only one graph's lines are held.
            for graph, lines in itertools.chain(
                [(str(SCHEMA_GRAPH), ontology_lines())],
                ((graph.value, ntriples_lines(triples)) for graph, triples in graphs),
            ):
                if not lines:
                    continue
                if output is None or in_batch >= _BULK_BATCH:
                    if output is not None:
                        output.close()
                    batches.append(folder / f"load-{len(batches)}.nq")
                    output = batches[-1].open("wb")
                    in_batch = 0
                text = _text_of(lines)
                hashes[graph] = content_hash(text)
                texts.write(hashes[graph], text)
                union.update(hashlib.blake2b(line, digest_size=16).digest() for line in lines)
                suffix = f" <{graph}> .\n".encode()
                output.write(text.replace(b" .\n", suffix))
                in_batch += len(lines)
        finally:
            if output is not None:
                output.close()
        database = ox.Store(str(folder / _DATABASE))
        for batch in batches:
            # Lenient: the lines are Oxigraph's own writing of terms it checked when they were made;
            # checking every IRI again while parsing them took about 6 % of the bulk load's time.
            database.bulk_load(path=str(batch), format=ox.RdfFormat.N_QUADS, lenient=True)
            batch.unlink()
        if len(batches) > 1:
            # Each batch is ingested as files of its own in every index, and a look-up then searches
            # each of them: at 1M quads (5 batches) the saved queries' joins took 1.3-1.5x the time
            # they take once the files are merged (docs/benchmarks.md). Merging costs a few seconds.
            database.optimize()
        database.flush()
        del database
        (folder / _HASHES).write_text(json.dumps({"hashes": dict(sorted(hashes.items()))}, indent=0), encoding="utf-8")
        return len(union)

    def replace_graphs(self, graphs: Iterable[tuple[ox.NamedNode, GraphContent]]) -> None:
        """Replace named graphs (and the ontology graph) in one transaction.

        Each graph's previous content is removed and the new triples inserted;
        if anything fails, the store is left exactly as it was.

        Args:
            graphs: ``(graph IRI, triples)`` pairs; the triples may be given as
                their N-Triples text as :func:`ntriples_bytes` wrote it.
        """
        drops: list[str] = []
        inserts: list[str] = []
        hashes: dict[str, str] = {}
        texts = GraphTexts(self.path)
        for graph, lines in [
            (str(SCHEMA_GRAPH), ontology_lines()),
            *((graph.value, ntriples_lines(triples)) for graph, triples in graphs),
        ]:
            drops.append(f"DROP SILENT GRAPH <{graph}>")
            # N-Triples lines are SPARQL triples as they stand.
            inserts.append(f"GRAPH <{graph}> {{\n" + b"\n".join(lines).decode("utf-8") + "\n}")
            # An empty graph does not exist afterwards: it gets no hash.
            hashes[graph] = lines_hash(lines) if lines else ""
            if lines:
                self._keep_text(texts, hashes[graph], _text_of(lines))
        update = " ;\n".join(drops) + " ;\nINSERT DATA {\n" + "\n".join(inserts) + "\n}"
        self._forget_hashes(list(hashes))
        self._update(update)
        self._record_hashes({iri: digest for iri, digest in hashes.items() if digest})

    def drop_articles(self, article_ids: Iterable[str]) -> None:
        """Remove articles' named graphs in one transaction.

        Raises:
            StoreError: If an article is not in the store (nothing is removed).
        """
        ids = list(article_ids)
        stored = set(self.article_ids())
        missing = [article_id for article_id in ids if article_id not in stored]
        if missing:
            from difflib import get_close_matches

            hints = []
            for article_id in missing:
                close = get_close_matches(article_id, sorted(stored), n=1)
                hints.append(f"'{article_id}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
            raise StoreError(
                f"No article {', '.join(hints)} in the store at {self.path}. List stored articles with 'ckg articles'."
            )
        if ids:
            dropped = [str(article_graph_iri(a)) for a in ids]
            self._forget_hashes(dropped)
            self._update(" ;\n".join(f"DROP GRAPH <{graph}>" for graph in dropped))
            GraphTexts(self.path).prune(self._read_hashes().values())

    def _forget_hashes(self, graphs: list[str]) -> None:
        # Before a write: a crash between here and _record_hashes leaves no
        # stale hash behind, only missing ones, which readers recompute.
        hashes = self._read_hashes()
        if any(graph in hashes for graph in graphs):
            self._write_hashes({k: v for k, v in hashes.items() if k not in set(graphs)})

    def _record_hashes(self, written: dict[str, str]) -> None:
        hashes = self._read_hashes()
        hashes.update(written)
        self._write_hashes(hashes)
        GraphTexts(self.path).prune(hashes.values())

    @staticmethod
    def _keep_text(texts: GraphTexts, digest: str, text: bytes) -> None:
        # Before the hash is recorded (see graph_texts); without the file, pushes read Oxigraph.
        try:
            texts.write(digest, text)
        except OSError as error:
            logger.warning("Could not keep the text of a graph beside the store: %s", error)

    def _read_hashes(self) -> dict[str, str]:
        try:
            data = json.loads((self.path / _HASHES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        hashes = data.get("hashes") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {}

    def _write_hashes(self, hashes: dict[str, str]) -> None:
        target = self.path / _HASHES
        temporary = target.with_name(target.name + ".tmp")
        try:
            temporary.write_text(json.dumps({"hashes": dict(sorted(hashes.items()))}, indent=0), encoding="utf-8")
            temporary.replace(target)
        except OSError as error:
            raise StoreError(
                f"Cannot write {target}: {error.strerror}. Check that the store folder is writable."
            ) from error

    def _update(self, update: str) -> None:
        try:
            self._db.update(update)
        except (OSError, SyntaxError, ValueError) as error:
            raise StoreError(f"Writing to the store at {self.path} failed; nothing was changed: {error}") from error

    # -- reading -------------------------------------------------------

    def article_ids(self) -> list[str]:
        """Ids of the stored articles, sorted."""
        return sorted(
            graph.value[len(_ARTICLE_GRAPH_PREFIX) :]
            for graph in self._db.named_graphs()
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(_ARTICLE_GRAPH_PREFIX)
        )

    def graph_sizes(self) -> dict[str, int]:
        """Number of triples in each named graph, by graph IRI."""
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}

    def typed_resources(
        self, type_iri: ox.NamedNode, exclude_graphs: Iterable[ox.NamedNode] = ()
    ) -> list[tuple[str, str]]:
        """``(resource IRI, type IRI)`` of every stored resource of a class, outside some graphs.

        Args:
            type_iri: Return resources of this class (or of every class when ``rdf:type``).
            exclude_graphs: Graphs to ignore (those a load is about to replace).
        """
        excluded = {graph.value for graph in exclude_graphs}
        type_node = None if type_iri == _RDF_TYPE else type_iri
        found: set[tuple[str, str]] = set()
        for quad in self._db.quads_for_pattern(None, _RDF_TYPE, type_node, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value in excluded:
                continue
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                found.add((quad.subject.value, quad.object.value))
        return sorted(found)

    def triples_about(
        self, subjects: Iterable[ox.NamedNode | ox.BlankNode | ox.Triple], exclude_graphs: Iterable[ox.NamedNode] = ()
    ) -> set[ox.Triple]:
        """Stored triples whose subject is one of ``subjects``, outside some graphs.

        Args:
            subjects: Resources to describe.
            exclude_graphs: Graphs to ignore (those a load is about to replace).
        """
        excluded = set(exclude_graphs)
        found: set[ox.Triple] = set()
        for subject in subjects:
            for quad in self._db.quads_for_pattern(subject, None, None, None):
                if quad.graph_name not in excluded:
                    found.add(quad.triple)
        return found

    def named_graphs(self) -> list[str]:
        """IRIs of every named graph in the store (articles, registries, schema), sorted."""
        return sorted(graph.value for graph in self._db.named_graphs() if isinstance(graph, ox.NamedNode))

    def quads(self, subject: str | None = None, graph: str | None = None) -> Iterator[ox.Quad]:
        """Stored quads as Oxigraph terms, optionally only one subject's or one named graph's.

        Args:
            subject: Only quads with this subject IRI.
            graph: Only quads in this named graph.
        """
        return iter(
            self._db.quads_for_pattern(
                None if subject is None else ox.NamedNode(subject),
                None,
                None,
                None if graph is None else ox.NamedNode(graph),
            )
        )

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph's triples as sorted N-Triples lines (UTF-8): its canonical text.

        Args:
            graph: The named graph's IRI.
        """
        return self._sorted_lines(ox.NamedNode(graph))

    def _sorted_lines(self, graph: ox.NamedNode | ox.DefaultGraph) -> bytes:
        output = io.BytesIO()
        self._db.dump(output, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        lines = output.getvalue().splitlines()
        lines.sort()
        return b"".join(line + b"\n" for line in lines)

    def graph_hashes(self) -> dict[str, str]:
        """A content hash of every named graph, by graph IRI (see :func:`content_hash`).

        Every write records the hashes of the graphs it wrote, so this reads
        (and hashes) only graphs without a recorded hash: cheap for big stores.
        """
        recorded = self._read_hashes()
        return {graph: recorded.get(graph) or content_hash(self.graph_ntriples(graph)) for graph in self.named_graphs()}

    def count_triples(self) -> int:
        """Number of distinct triples in the union of all graphs."""
        rows = self._select(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
        )
        return int(next(iter(rows))["n"].value)

    def _select(self, sparql: str) -> ox.QuerySolutions:
        solutions = self._db.query(sparql)
        assert isinstance(solutions, ox.QuerySolutions), "a SELECT query gives solutions"
        return solutions

    def query(
        self,
        sparql: str,
        graphs: Sequence[ox.NamedNode] | None = None,
        *,
        restrict_named: bool = True,
        **bindings: Any,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of all graphs, or of ``graphs`` only.

        With ``graphs``, ``GRAPH ?g`` sees only those graphs too, unless
        ``restrict_named`` is false (the query then restricts ``?g`` itself,
        see :func:`ceasefire_kg.known_time.restrict_graph_patterns`).
        """
        if graphs is None:
            return self._db.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES, **bindings)
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(graphs)
        if not restrict_named:
            return self._db.query(sparql, default_graph=default, prefixes=PREFIXES, **bindings)
        named: list[ox.NamedNode | ox.BlankNode] = list(graphs)
        return self._db.query(sparql, default_graph=default, named_graphs=named, prefixes=PREFIXES, **bindings)

    def export(self, output: IO[bytes], format_name: str) -> int:
        """Write the stored graph in a stable order, with the project's prefixes.

        Triple formats (turtle, ntriples) get the union of all graphs, each triple
        once; dataset formats (nquads, trig, jsonld) keep the named graphs. See
        :func:`serialize` for how the prefixes are written.

        Args:
            output: Binary stream to write to.
            format_name: One of :data:`EXPORT_FORMATS`.

        Returns:
            The number of triples or quads written.
        """
        rdf_format = EXPORT_FORMATS[format_name]
        if not rdf_format.supports_datasets:
            return self._export_union(output, rdf_format)
        # Graph by graph (sorted by their text), each graph's sorted N-Triples
        # lines is the order of sorting the quads by the text of (graph,
        # subject, predicate, object), as for the union below; sorting bytes
        # lines instead of Python terms saves time and memory.
        chunks = []
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph()]
        graphs += [graph for graph in self._db.named_graphs() if isinstance(graph, ox.NamedNode)]
        for graph in sorted(graphs, key=str):
            text = self._sorted_lines(graph)
            if text and isinstance(graph, ox.NamedNode):
                # " .\n" only ends lines: N-Triples escapes line breaks in literals.
                text = text.replace(b" .\n", f" {graph} .\n".encode())
            chunks.append(text)
        quads = b"".join(chunks)
        del chunks
        if rdf_format == ox.RdfFormat.N_QUADS:
            output.write(quads)
        else:
            serialize(ox.parse(quads, format=ox.RdfFormat.N_QUADS), output, rdf_format)
        return quads.count(b"\n")

    def _export_union(self, output: IO[bytes], rdf_format: ox.RdfFormat) -> int:
        # Oxigraph writes each graph as N-Triples lines; their sorted byte
        # lines, each once, are the union in the order of sorting the triples
        # by the text of their terms (a term ends where a space follows), so
        # no Python object is made per triple.
        buffer = io.BytesIO()
        for graph in [ox.DefaultGraph(), *self._db.named_graphs()]:
            self._db.dump(buffer, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        lines = sorted(set(buffer.getvalue().splitlines()))
        del buffer
        text = b"".join(line + b"\n" for line in lines)
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            output.write(text)
        else:
            serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), output, rdf_format)
        return len(lines)
