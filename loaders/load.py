"""Validate and load article-fact files into the embedded store, all or nothing."""

from __future__ import annotations

import functools
import gc
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

import pyoxigraph as ox
from rdflib.namespace import RDF

from ceasefire_kg.errors import InputError, Problem, StoreError
from ceasefire_kg.loaders.checks import SECTION_KINDS, CheckedCorpus, check_paths
from ceasefire_kg.loaders.rdf import NamedGraph, corpus_graphs, yaml_field
from ceasefire_kg.loaders.reader import JsonPath, SourceFile
from ceasefire_kg.namespaces import CF, entity_iri, iri, quote_iri, status_record_iri
from ceasefire_kg.progress import ProgressCallback, log_progress
from ceasefire_kg.shacl import ShapeViolation, ntriples_violations
from ceasefire_kg.store import Store, TermTriple, ntriples_bytes, ontology_triples

logger = logging.getLogger(__name__)

_RDF_TYPE = iri(RDF.type)


@dataclass
class ArticleSummary:
    """What one article contributed to a load."""

    article_id: str
    file: str
    triples: int
    facts: int
    text: str | None
    quotes_checked: int


@dataclass
class LoadReport:
    """What a validate or load run found (and, for a load, stored)."""

    articles: list[ArticleSummary]
    registries: list[str]
    triples: int
    stored: bool
    #: After a load: the number of triples the store holds (None for a validation).
    store_triples: int | None = None

    def describe(self) -> str:
        """A short human summary, one line per article."""
        lines = []
        for article in self.articles:
            checked = (
                f"{article.quotes_checked} quotes found in {article.text}"
                if article.text
                else "no article text, quotes not checked"
            )
            lines.append(f"  {article.article_id}: {article.facts} facts, {article.triples} triples; {checked}")
        verb = "Loaded" if self.stored else "Valid:"
        header = (
            f"{verb} {len(self.articles)} article{'s' if len(self.articles) != 1 else ''}"
            f" and {len(self.registries)} registr{'ies' if len(self.registries) != 1 else 'y'}"
            f" ({self.triples} triples)."
        )
        return "\n".join([header, *lines])


_F = TypeVar("_F", bound=Callable[..., Any])


def _without_cyclic_gc(function: _F) -> _F:
    """Pause Python's cyclic garbage collector while ``function`` runs, then restore it.

    A load builds millions of objects without reference cycles (parsed files,
    triples, lines), and each full collection walks all of them: over a
    1M-triple load that was about a quarter of the time. Reference counting
    still frees everything; cycles left meanwhile are collected afterwards.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused  # type: ignore[return-value]


@_without_cyclic_gc
def validate_paths(
    paths: Iterable[Path],
    *,
    store: Store | None = None,
    text_dirs: Iterable[Path] = (),
    on_progress: ProgressCallback = log_progress,
    allow_unreviewed: bool = False,
) -> tuple[CheckedCorpus, list[NamedGraph], LoadReport]:
    """Check fact files completely (format, references, quotes, shapes) without storing.

    Args:
        paths: Fact files, registry files or folders.
        store: The store the files would be loaded into, if any; positions it
            holds may be superseded, and the shapes are checked in its context.
        text_dirs: Folders where ``<article id>.txt`` texts are looked up.
        on_progress: Called with a short message as each stage starts.
        allow_unreviewed: Accept drafted facts marked ``reviewed: false``; else each is a problem.

    Returns:
        The checked corpus, its named graphs, and a report.

    Raises:
        InputError: With every problem found in every file.
    """
    on_progress("Reading and checking files")

    def stored_positions() -> set[str]:
        if store is None:
            return set()
        return {resource.rsplit("/", 1)[1] for resource, _ in store.typed_resources(iri(CF.Position))}

    def stored_responses() -> set[str]:
        if store is None:
            return set()
        return {resource.rsplit("/", 1)[1] for resource, _ in store.typed_resources(iri(CF.Response))}

    def stored_represents(replaced: set[str]) -> set[tuple[str, str]]:
        if store is None:
            return set()
        links = store.query(f"SELECT ?g ?actor ?side WHERE {{ GRAPH ?g {{ ?actor <{CF.represents}> ?side }} }}")
        assert isinstance(links, ox.QuerySolutions), "a SELECT query gives solutions"
        return {
            (row["actor"].value.rsplit("/", 1)[1], row["side"].value.rsplit("/", 1)[1])
            for row in links
            if row["g"].value not in replaced
        }

    corpus = check_paths(
        paths,
        text_dirs=text_dirs,
        known_positions=stored_positions,
        known_responses=stored_responses,
        stored_represents=stored_represents,
        allow_unreviewed=allow_unreviewed,
    )
    on_progress("Building RDF")
    graphs = corpus_graphs(corpus)
    on_progress("Checking SHACL shapes")
    problems = _shape_problems(corpus, graphs, store)
    if problems:
        raise InputError(problems)
    summaries = [
        ArticleSummary(
            article.article_id,
            article.source.name,
            len(graph.triples),
            sum(len(article.facts(section)) for section in SECTION_KINDS),
            str(article.text_path) if article.text_path else None,
            article.quotes_checked,
        )
        for article, graph in zip(corpus.articles, graphs[len(corpus.registries) :])
    ]
    report = LoadReport(
        summaries,
        [registry.registry_id for registry in corpus.registries],
        sum(len(graph.triples) for graph in graphs),
        stored=False,
    )
    return corpus, graphs, report


@_without_cyclic_gc
def load_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    text_dirs: Iterable[Path] = (),
    on_progress: ProgressCallback = log_progress,
    allow_unreviewed: bool = False,
) -> LoadReport:
    """Validate fact files and store them, replacing earlier versions of the same articles.

    The load is all or nothing: if any file has a problem, nothing is written;
    the write itself is one transaction.

    Raises:
        InputError: With every problem found; the store is unchanged.
        StoreError: If the store cannot be written; it is unchanged.
    """
    _, graphs, report = validate_paths(
        paths, store=store, text_dirs=text_dirs, on_progress=on_progress, allow_unreviewed=allow_unreviewed
    )
    _write(store, graphs, report, on_progress)
    return report


@_without_cyclic_gc
def load_into_folder(
    store_path: Path,
    paths: Iterable[Path],
    *,
    text_dirs: Iterable[Path] = (),
    on_progress: ProgressCallback = log_progress,
    allow_unreviewed: bool = False,
) -> tuple[LoadReport, int]:
    """Like :func:`load_paths`, for a store folder that may not exist yet.

    A new store is created only once the files have passed every check, so a
    refused first load leaves no empty store behind; it is written in a
    temporary folder beside ``store_path`` and renamed into place when complete.

    Two first loads into the same new folder at once: the one that finishes
    second loads its files into the store the other created.

    Returns:
        The report, and the number of triples the store holds afterwards.
    """
    paths = list(paths)
    text_dirs = list(text_dirs)
    if Store.exists(store_path):
        return _load_into_store(store_path, paths, text_dirs, on_progress, allow_unreviewed)
    # Only the graphs are kept (not the parsed files), and each is let go once
    # written, so that the bulk load has the memory they held.
    graphs, report = validate_paths(
        paths, text_dirs=text_dirs, on_progress=on_progress, allow_unreviewed=allow_unreviewed
    )[1:]
    # A new store needs no transaction: it is bulk-loaded beside its folder and
    # renamed into place, which is all or nothing at the folder level.
    on_progress(f"Writing {report.triples} triples")
    try:
        total = Store.create(store_path, _handed_out(graphs))
    except StoreError:
        if not Store.exists(store_path):
            raise
        on_progress(f"Another load created the store at {store_path} meanwhile; loading into it")
        return _load_into_store(store_path, paths, text_dirs, on_progress, allow_unreviewed)
    report.stored = True
    return report, total


def _load_into_store(
    store_path: Path,
    paths: list[Path],
    text_dirs: list[Path],
    on_progress: ProgressCallback,
    allow_unreviewed: bool = False,
) -> tuple[LoadReport, int]:
    with Store.open(store_path) as store:
        report = load_paths(
            store, paths, text_dirs=text_dirs, on_progress=on_progress, allow_unreviewed=allow_unreviewed
        )
        return report, store.count_triples()


def validate_against_folder(
    store_path: Path,
    paths: Iterable[Path],
    *,
    text_dirs: Iterable[Path] = (),
    on_progress: ProgressCallback = log_progress,
    allow_unreviewed: bool = False,
) -> LoadReport:
    """Validate fact files in the context of a store folder, if it exists; never write."""
    if Store.exists(store_path):
        with Store.open_read_only(store_path) as store:
            return validate_paths(
                paths, store=store, text_dirs=text_dirs, on_progress=on_progress, allow_unreviewed=allow_unreviewed
            )[2]
    return validate_paths(paths, text_dirs=text_dirs, on_progress=on_progress, allow_unreviewed=allow_unreviewed)[2]


def _handed_out(graphs: list[NamedGraph]) -> Iterator[tuple[ox.NamedNode, list[TermTriple] | bytes]]:
    """Yield each graph's IRI and content, removing it from ``graphs`` so that it can be freed once used."""
    graphs.reverse()
    while graphs:
        graph = graphs.pop()
        yield graph.iri, graph.content()


def _write(store: Store, graphs: list[NamedGraph], report: LoadReport, on_progress: ProgressCallback) -> None:
    on_progress(f"Writing {report.triples} triples")
    store.replace_graphs((graph.iri, graph.content()) for graph in graphs)
    report.stored = True


def _shape_problems(corpus: CheckedCorpus, graphs: list[NamedGraph], store: Store | None) -> list[Problem]:
    new_subjects: set[ox.NamedNode | ox.BlankNode | ox.Triple] = set()
    data = _Batches()
    data.write(ntriples_bytes(ontology_triples()), len(ontology_triples()))
    for graph in graphs:
        # Kept on the graph: the store writes the same text.
        graph.ntriples = ntriples_bytes(graph.triples)
        data.write(graph.ntriples, len(graph.triples))
        new_subjects.update(triple[0] for triple in graph.triples)
    if store is not None:
        # The shapes hold for the union of all graphs: add what other stored
        # articles say about the same resources, and the stored types of the
        # resources they refer to, so that references into the store can be
        # checked. Only those: typing every stored resource would make each a
        # focus node and cost time in proportion to the whole store.
        replaced = [graph.iri for graph in graphs]
        about = store.triples_about(new_subjects, exclude_graphs=replaced)
        data.write(ntriples_bytes(about), len(about))
        referenced = {
            o for graph in graphs for _, p, o in graph.triples if isinstance(o, ox.NamedNode) and p != _RDF_TYPE
        }
        referenced.update(o for _, p, o in about if isinstance(o, ox.NamedNode) and p != _RDF_TYPE)
        referenced -= new_subjects
        types = [t for t in store.triples_about(referenced, exclude_graphs=replaced) if t[1] == _RDF_TYPE]
        data.write(ntriples_bytes(types), len(types))
    with data:
        violations = ntriples_violations(data.files())
    problems: list[Problem] = []
    locate: dict[ox.NamedNode, _Written] | None = None
    for violation in violations:
        if not isinstance(violation.focus, ox.NamedNode) or violation.focus not in new_subjects:
            continue
        if locate is None:
            locate = _locator(corpus)  # only when there is something to report
        where = locate.get(violation.focus)
        if where is None:
            problems.append(_shape_problem(violation, graphs[0].source, None, None, None))
            continue
        # Analysts write YAML fields, not RDF properties: name the field, on its own line.
        field_name = yaml_field(where.kind, violation.path.value) if where.kind and violation.path else None
        line = where.source.line_of((*where.path, field_name) if field_name else where.path)
        problems.append(_shape_problem(violation, where.source.name, line, where.fact, field_name))
    return problems


def _shape_problem(
    violation: ShapeViolation, file: str, line: int | None, fact: str | None, field_name: str | None
) -> Problem:
    if violation.too_many_values:
        if field_name:
            message = f"has more than one value for '{field_name}' across the files and the store."
        else:
            # A property no single field gives, such as a label made of several fields.
            prop = violation.path.value.split("#")[-1].split("/")[-1] if violation.path else "property"
            message = f"has more than one {prop} across the files and the store."
        hint = (
            "The same id names the same thing everywhere: keep the value identical in every file, "
            "or give this fact its own id."
        )
    else:
        message, hint = f"{violation.message}.", "Check this fact against schema/shapes.ttl."
    return Problem(file, message, hint, line=line, fact=fact, field=field_name)


class _Batches:
    """N-Triples text in temporary files of at most ``size`` triples each.

    The data graph of the shape checks goes to Oxigraph this way, graph by
    graph: the whole text is never held in memory, and each file is one batch
    of Oxigraph's bulk loader, whose memory grows with the batch.
    """

    def __init__(self, size: int = 250_000) -> None:
        self.size = size
        self._files: list[IO[bytes]] = []
        self._in_last = 0

    def write(self, text: bytes, triples: int) -> None:
        if not self._files or self._in_last >= self.size:
            self._files.append(tempfile.TemporaryFile())
            self._in_last = 0
        self._files[-1].write(text)
        self._in_last += triples

    def files(self) -> list[IO[bytes]]:
        """The files, each rewound for reading."""
        for file in self._files:
            file.seek(0)
        return self._files

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, *_: object) -> None:
        for file in self._files:
            file.close()


class _Written(NamedTuple):
    """Where a resource of a load was written."""

    source: SourceFile
    path: JsonPath  # of its entry (or article section) in the file
    fact: str  # its label in messages, such as ``proposal 'x'``
    kind: str | None  # the kind of fact it is; None for its quote and status record


def _locator(corpus: CheckedCorpus) -> dict[ox.NamedNode, _Written]:
    """Where each resource a load creates was written."""
    located: dict[ox.NamedNode, _Written] = {}
    for registry in corpus.registries:
        for index, actor in enumerate(registry.actors):
            located[iri(entity_iri("actor", actor["id"]))] = _Written(
                registry.source, ("actors", index), f"actor '{actor['id']}'", "actor"
            )
    for article in corpus.articles:
        source = article.source
        located[iri(entity_iri("article", article.article_id))] = _Written(
            source, ("article",), f"article '{article.article_id}'", "article"
        )
        for section, kind in SECTION_KINDS.items():
            if kind == "scope":
                continue
            for index, entry in enumerate(article.facts(section)):
                fact = f"{kind} '{entry['id']}'"
                located[iri(entity_iri(kind, entry["id"]))] = _Written(source, (section, index), fact, kind)
                part = _Written(source, (section, index), fact, None)
                located[iri(quote_iri(article.article_id, kind, entry["id"]))] = part
                located[iri(status_record_iri(article.article_id, kind, entry["id"]))] = part
    return located
