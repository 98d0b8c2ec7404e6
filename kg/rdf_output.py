"""RDF written for users: the export formats, with the project's prefixes, and JSON-LD with IRIs compacted.

What :meth:`ceasefire_kg.store.Store.export` and the Neo4j export write once
they have the triples or quads in order; nothing here reorders them.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable
from typing import IO, Any

import pyoxigraph as ox

from ceasefire_kg.errors import StoreError

logger = logging.getLogger(__name__)

#: Export formats by the name users type.
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


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
    # Imported here: the command line reads EXPORT_FORMATS without loading rdflib.
    from ceasefire_kg.namespaces import PREFIXES

    if rdf_format == ox.RdfFormat.JSON_LD:
        write_jsonld(items, output)  # type: ignore[arg-type]
        return
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    ox.serialize(items, output, format=rdf_format, prefixes=prefixes)


def write_jsonld(quads: Iterable[ox.Quad], output: IO[bytes], prefixes: dict[str, str] | None = None) -> None:
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
        prefixes: Prefix to namespace IRI; the project's own (:data:`ceasefire_kg.namespaces.PREFIXES`) if None.

    Raises:
        StoreError: If an IRI that no namespace shortens would read as a compact
            IRI (its scheme is one of the prefixes), so would change meaning.
    """
    if prefixes is None:
        from ceasefire_kg.namespaces import PREFIXES

        prefixes = PREFIXES
    compactor = _IriCompactor(prefixes)
    output.write(b'{"@context":' + _json(prefixes) + b',"@graph":[')
    separator = b""
    # One graph at a time, so that only one graph's JSON objects are held.
    for _, graph_quads in itertools.groupby(quads, key=lambda quad: quad.graph_name):
        for item in json.loads(ox.serialize(graph_quads, format=ox.RdfFormat.JSON_LD) or b"[]"):
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
