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
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from ceasefire_kg.errors import StoreError
from ceasefire_kg.namespaces import GRAPH, PREFIXES, SCHEMA_GRAPH, article_graph_iri

logger = logging.getLogger(__name__)

#: Default store folder, relative to the working directory.
DEFAULT_STORE = Path(".ckg")
_MARKER = "ckg-store"
_DATABASE = "oxigraph"
_ARTICLE_GRAPH_PREFIX = str(GRAPH) + "article/"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Content hash of each named graph, recorded by every write (see Store.graph_hashes).
_HASHES = "graph-hashes.json"
#: Most quads handed to Oxigraph's bulk loader at once (its memory grows with the batch).
_BULK_BATCH = 250_000

#: Export formats by the name users type.
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}

Triple = tuple[URIRef, URIRef, Any]


def _n3(term: URIRef | Literal) -> str:
    return term.n3()


def _to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # rdflib writes plain strings without a datatype; keep them equal.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise StoreError(f"unexpected blank node {term} in the store")


@cache
def ontology_triples() -> tuple[tuple[str, str, str], ...]:
    """The ontology and concept schemes shipped with the package, as N-Triples terms."""
    data = resources.files("ceasefire_kg.schema").joinpath("ontology.ttl").read_bytes()
    return tuple((str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(data, format=ox.RdfFormat.TURTLE))


def content_hash(text: bytes) -> str:
    """SHA-256 of a graph's canonical text (:meth:`Store.graph_ntriples`)."""
    return hashlib.sha256(text).hexdigest()


# How Oxigraph writes a literal's lexical form in N-Triples; the lines built
# here must be byte-identical to its own, since graph hashes computed from them
# stand in for hashes of what the store gives back (tests check this).
_ESCAPES: dict[int, str] = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def ntriples_term(term: URIRef | Literal) -> str:
    """One rdflib term written as Oxigraph writes it in N-Triples.

    Raises:
        StoreError: For a blank node or another term the store does not hold.
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        value = str(term)
        if _NEEDS_ESCAPE.search(value):
            value = value.translate(_ESCAPES)
        if term.language:
            return f'"{value}"@{term.language}'
        datatype = term.datatype
        if datatype is None or str(datatype) == _XSD_STRING:
            return f'"{value}"'
        return f'"{value}"^^<{datatype}>'
    raise StoreError(f"cannot store the term {term!r}: only IRIs and literals are stored")


def ntriples_lines(triples: Iterable[Triple]) -> list[str]:
    """A graph's triples as its canonical N-Triples lines: sorted, each once, without line ends.

    Sorting the strings gives the byte order of their UTF-8 encoding, that of
    :meth:`Store.graph_ntriples`.
    """
    term = ntriples_term
    return sorted({f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples})


def ntriples_bytes(triples: Iterable[Triple]) -> bytes:
    """Triples as N-Triples text in the store's own spelling, in their order, duplicates kept.

    For handing a graph to Oxigraph when neither order nor the hash matter.
    """
    term = ntriples_term
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples).encode("utf-8")


def lines_hash(lines: list[str]) -> str:
    """The :func:`content_hash` of a graph given as :func:`ntriples_lines`."""
    return content_hash(_text_of(lines))


def _text_of(lines: list[str] | tuple[str, ...]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


@cache
def ontology_lines() -> tuple[str, ...]:
    """The ontology graph as its canonical N-Triples lines (see :func:`ntriples_lines`)."""
    return tuple(sorted({f"{s} {p} {o} ." for s, p, o in ontology_triples()}))


def serialize(items: Iterable[ox.Triple] | Iterable[ox.Quad], output: IO[bytes], rdf_format: ox.RdfFormat) -> None:
    """Write triples or quads, in their order, with the project's prefixes where the format has them.

    Turtle and TriG declare :data:`PREFIXES` and use them; JSON-LD gets them as
    its ``@context`` (see :func:`write_jsonld`); N-Triples and N-Quads have none.
    Same items in the same order: same bytes.

    Args:
        items: Triples, or quads for the dataset formats.
        output: Binary stream to write to.
        rdf_format: One of the values of :data:`EXPORT_FORMATS`.

    Raises:
        StoreError: If an IRI cannot be written in JSON-LD (see :func:`write_jsonld`).
    """
    if rdf_format == ox.RdfFormat.JSON_LD:
        write_jsonld(items, output)  # type: ignore[arg-type]
        return
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    ox.serialize(items, output, format=rdf_format, prefixes=prefixes)


def write_jsonld(quads: Iterable[ox.Quad], output: IO[bytes], prefixes: dict[str, str] = PREFIXES) -> None:
    """Write quads as JSON-LD whose ``@context`` declares the prefixes, and whose IRIs use them.

    Oxigraph writes the JSON-LD (named graphs as ``{"@id": graph, "@graph":
    [nodes]}``), but with every IRI in full: it ignores prefixes for this format
    (pyoxigraph 0.5.13). Its document is kept as it is, except that each IRI in
    a property name, an ``@id`` or an ``@type`` is written ``prefix:rest`` with
    the longest matching namespace, and it is wrapped as ``{"@context":
    prefixes, "@graph": [...]}``. A JSON-LD processor expands these compact
    IRIs back, every namespace ending with ``/`` or ``#``. Nothing is
    reordered: the same quads in the same order give the same bytes.

    Args:
        quads: The quads, those of each graph together (as sorted by graph).
        output: Binary stream to write to.
        prefixes: Prefix to namespace IRI.

    Raises:
        StoreError: If an IRI that no namespace shortens would read as a compact
            IRI (its scheme is one of the prefixes), so would change meaning.
    """
    compactor = _IriCompactor(prefixes)
    output.write(b'{"@context":' + _json(prefixes) + b',"@graph":[')
    separator = b""
    # One graph at a time, so that only one graph's JSON objects are held.
    for _, graph_quads in itertools.groupby(quads, key=lambda quad: quad.graph_name):
        for item in json.loads(ox.serialize(graph_quads, format=ox.RdfFormat.JSON_LD)):
            output.write(separator + _json(compactor.node(item)))
            separator = b","
    output.write(b"]}")


def _json(value: Any) -> bytes:
    # Oxigraph's own spacing (none) and raw UTF-8.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _IriCompactor:
    """Rewrites the IRIs of expanded JSON-LD objects as compact IRIs, remembering each answer."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so that an IRI gets the most specific prefix.
        self._namespaces = sorted(
            ((namespace, prefix) for prefix, namespace in prefixes.items()), key=lambda item: -len(item[0])
        )
        self._prefixes = set(prefixes)
        # The same IRIs recur thousands of times (predicates, types, graphs).
        self._known: dict[str, str] = {}

    def node(self, item: dict[str, Any]) -> dict[str, Any]:
        """A graph, node or value object with its IRIs compacted."""
        result: dict[str, Any] = {}
        for key, value in item.items():
            if key in ("@id", "@type"):
                result[key] = self.iri(value)
            elif key == "@graph":
                result[key] = [self.node(child) for child in value]
            elif key.startswith("@"):
                result[key] = value
            else:
                result[self.iri(key)] = [self.node(child) for child in value]
        return result

    def iri(self, iri: str) -> str:
        """``iri`` as a compact IRI, or unchanged when no namespace fits (blank nodes too)."""
        known = self._known.get(iri)
        if known is None:
            known = self._known[iri] = self._compact(iri)
        return known

    def _compact(self, iri: str) -> str:
        for namespace, prefix in self._namespaces:
            # A rest starting with // would make the compact IRI read as an absolute one.
            if iri.startswith(namespace) and not iri.startswith("//", len(namespace)):
                return f"{prefix}:{iri[len(namespace) :]}"
        scheme, _, rest = iri.partition(":")
        if scheme in self._prefixes and not rest.startswith("//"):
            raise StoreError(
                f"Cannot write <{iri}> in JSON-LD: with the prefix '{scheme}:' declared it would read as another IRI. "
                "Export as nquads or trig instead."
            )
        return iri


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
    def create(cls, path: Path, graphs: Iterable[tuple[URIRef, list[Triple]]]) -> int:
        """Create a new store holding named graphs (and the ontology graph), all or nothing.

        The store is bulk-loaded in a temporary folder beside ``path`` and
        renamed into place once complete; if anything fails, the temporary
        folder is deleted and ``path`` is left as it was. Much faster than a
        transaction for big loads, which Oxigraph holds wholly in memory.

        Args:
            path: The store folder; it must not exist or be an empty folder.
            graphs: ``(graph IRI, triples)`` pairs.

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
            # mkdir (not mkdtemp) so that the store gets the usual folder permissions.
            temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.loading"
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
            raise StoreError(f"Writing the new store at {path} failed; nothing was stored: {error}") from error
        finally:
            if not done:
                shutil.rmtree(temporary, ignore_errors=True)
        logger.info("created the store at %s with %d triples", path, total)
        return total

    @staticmethod
    def _bulk_write(folder: Path, graphs: Iterable[tuple[URIRef, list[Triple]]]) -> int:
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
        batches: list[Path] = []
        output: IO[bytes] | None = None
        in_batch = 0
        try:
            # One graph at a time, so that only one graph's lines are held.
            for iri, lines in itertools.chain(
                [(str(SCHEMA_GRAPH), ontology_lines())],
                ((str(iri), ntriples_lines(triples)) for iri, triples in graphs),
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
                hashes[iri] = content_hash(text)
                union.update(hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest() for line in lines)
                suffix = f" <{iri}> .\n".encode()
                output.write(text.replace(b" .\n", suffix))
                in_batch += len(lines)
        finally:
            if output is not None:
                output.close()
        database = ox.Store(str(folder / _DATABASE))
        for batch in batches:
            database.bulk_load(path=str(batch), format=ox.RdfFormat.N_QUADS)
            batch.unlink()
        database.flush()
        del database
        (folder / _HASHES).write_text(json.dumps({"hashes": dict(sorted(hashes.items()))}, indent=0), encoding="utf-8")
        return len(union)

    def replace_graphs(self, graphs: Iterable[tuple[URIRef, list[Triple]]]) -> None:
        """Replace named graphs (and the ontology graph) in one transaction.

        Each graph's previous content is removed and the new triples inserted;
        if anything fails, the store is left exactly as it was.

        Args:
            graphs: ``(graph IRI, triples)`` pairs.
        """
        drops: list[str] = []
        inserts: list[str] = []
        hashes: dict[str, str] = {}
        for iri, lines in [
            (str(SCHEMA_GRAPH), ontology_lines()),
            *((str(iri), ntriples_lines(triples)) for iri, triples in graphs),
        ]:
            drops.append(f"DROP SILENT GRAPH <{iri}>")
            inserts.append(f"GRAPH <{iri}> {{\n" + "\n".join(lines) + "\n}")
            # An empty graph does not exist afterwards: it gets no hash.
            hashes[iri] = lines_hash(lines) if lines else ""
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
            self._update(" ;\n".join(f"DROP GRAPH {_n3(article_graph_iri(a))}" for a in ids))

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
        rows = self._db.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}

    def typed_resources(self, type_iri: URIRef, exclude_graphs: Iterable[URIRef] = ()) -> list[tuple[str, str]]:
        """``(resource IRI, type IRI)`` of every stored resource of a class, outside some graphs.

        Args:
            type_iri: Return resources of this class (or of every class when ``RDF.type``).
            exclude_graphs: Graphs to ignore (those a load is about to replace).
        """
        excluded = {str(iri) for iri in exclude_graphs}
        type_node = None if type_iri == RDF.type else ox.NamedNode(str(type_iri))
        found: set[tuple[str, str]] = set()
        for quad in self._db.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), type_node, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value in excluded:
                continue
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                found.add((quad.subject.value, quad.object.value))
        return sorted(found)

    def triples_about(self, subjects: Iterable[URIRef], exclude_graphs: Iterable[URIRef] = ()) -> set[Triple]:
        """Stored triples whose subject is one of ``subjects``, outside some graphs.

        Args:
            subjects: Resources to describe.
            exclude_graphs: Graphs to ignore (those a load is about to replace).
        """
        excluded = {str(iri) for iri in exclude_graphs}
        found: set[Triple] = set()
        for subject in subjects:
            for quad in self._db.quads_for_pattern(ox.NamedNode(str(subject)), None, None, None):
                if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in excluded:
                    continue
                found.add((subject, URIRef(quad.predicate.value), _to_rdflib(quad.object)))
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
        rows = self._db.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
        )
        return int(next(iter(rows))["n"].value)

    def query(self, sparql: str, **bindings: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of all graphs."""
        return self._db.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES, **bindings)

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
        for graph in sorted([ox.DefaultGraph(), *self._db.named_graphs()], key=str):
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
