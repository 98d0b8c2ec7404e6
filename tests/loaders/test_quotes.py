"""Exact quotes: the article's own characters and where they are, when its text is at hand.

An analyst types quotes with straight quote marks and hyphens; the article's
text has curly ones and en dashes. The quote is matched up to those (and
whitespace), and the store keeps the text's characters in ``oa:exact`` with an
``oa:TextPositionSelector`` whose offsets slice the text to exactly them.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import neo4j
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ceasefire_kg.api import Neo4jGraph
from ceasefire_kg.errors import InputError
from ceasefire_kg.loaders.checks import check_paths
from ceasefire_kg.loaders.load import load_paths, validate_paths
from ceasefire_kg.loaders.quotes import QuoteSpan, find_quote, normalise_quote_text, read_article_text
from ceasefire_kg.loaders.rdf import corpus_graphs
from ceasefire_kg.mapping import RelationshipMapping, default_mapping
from ceasefire_kg.namespaces import OA, Nodes, iri, quote_iri, quote_selector_iri
from ceasefire_kg.push import push
from ceasefire_kg.shacl import shape_violations
from ceasefire_kg.store import Store, TermTriple, ontology_triples
from tests.cli_helpers import run_ckg
from tests.paths import EXAMPLES
from tests.push_helpers import neo4j_ntriples, store_ntriples

ARTICLE_ID = "exact-quotes"

#: Quotes typed as analysts do: straight apostrophe, hyphen.
ARTICLE = f"""\
article:
  id: {ARTICLE_ID}
  title: Envoys back a spring truce
  outlet: Test Wire
  published: "2025-03-20"
registries: [actors.yaml]
proposals:
  - id: spring-truce
    name: The spring truce
    type: truce
    proposed_by: [united-states]
    quote: "Ukraine's envoy backed the March-April truce"
demands:
  - id: stop-rearming
    by: putin
    of: [ukraine]
    text: Ukraine must stop rearming.
    quote: "Ukraine must stop rearming"
"""

TRUCE_EXACT = "Ukraine\u2019s envoy backed the March\u2013April truce"
#: The article's text: a curly apostrophe and an en dash; the demand's quote twice.
TEXT = (
    "Ukraine must stop rearming, Moscow said.\n"
    f"{TRUCE_EXACT} on Tuesday.\n"
    "Ukraine must stop rearming, Moscow repeated.\n"
)

_SELECTOR_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?exact ?start ?end WHERE {
  GRAPH ?g { ?quote oa:exact ?exact OPTIONAL { ?quote oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end } }
}
"""


@pytest.fixture
def article_dir(tmp_path: Path) -> Path:
    """A folder with the actor registry and :data:`ARTICLE`, without its text."""
    folder = tmp_path / "facts"
    folder.mkdir()
    shutil.copy(EXAMPLES / "actors.yaml", folder / "actors.yaml")
    (folder / f"{ARTICLE_ID}.yaml").write_text(ARTICLE, encoding="utf-8")
    return folder


def _write_text(folder: Path, content: bytes) -> Path:
    path = folder / f"{ARTICLE_ID}.txt"
    path.write_bytes(content)
    return path


def _stored_quote(folder: Path, kind: str, fact: str) -> tuple[str, int | None, int | None]:
    """The ``oa:exact`` of a fact's quote, and its selector's offsets (None without one), after a load."""
    with Store.open(folder / "store") as store:
        load_paths(store, [folder])
        quote = iri(quote_iri(ARTICLE_ID, kind, fact))
        rows = list(store.query(_SELECTOR_QUERY.replace("?quote", f"<{quote.value}>")))
    assert len(rows) == 1, rows
    exact, start, end = rows[0]["exact"], rows[0]["start"], rows[0]["end"]
    assert isinstance(exact, ox.Literal)
    return exact.value, None if start is None else int(start.value), None if end is None else int(end.value)


# --- the regression: straight marks typed, the text's curly ones stored -------------------


def test_a_quote_typed_with_straight_marks_keeps_the_texts_curly_apostrophe_and_en_dash(article_dir: Path) -> None:
    text_path = _write_text(article_dir, TEXT.encode("utf-8"))
    exact, start, end = _stored_quote(article_dir, "proposal", "spring-truce")
    assert exact == TRUCE_EXACT
    assert "\u2019" in exact and "\u2013" in exact
    assert start is not None and end is not None
    assert text_path.read_bytes().decode("utf-8")[start:end] == exact
    assert (start, end) == (TEXT.index(TRUCE_EXACT), TEXT.index(TRUCE_EXACT) + len(TRUCE_EXACT))


def test_a_quote_found_several_times_is_located_at_its_first_occurrence(article_dir: Path) -> None:
    _write_text(article_dir, TEXT.encode("utf-8"))
    assert TEXT.count("Ukraine must stop rearming") == 2
    assert _stored_quote(article_dir, "demand", "stop-rearming") == ("Ukraine must stop rearming", 0, 26)


def test_without_the_text_the_quote_is_stored_as_typed_with_no_selector(article_dir: Path) -> None:
    assert _stored_quote(article_dir, "proposal", "spring-truce") == (
        "Ukraine's envoy backed the March-April truce",
        None,
        None,
    )


def test_a_byte_order_mark_is_not_counted(article_dir: Path) -> None:
    text_path = _write_text(article_dir, TEXT.encode("utf-8-sig"))
    exact, start, end = _stored_quote(article_dir, "proposal", "spring-truce")
    assert (exact, start) == (TRUCE_EXACT, TEXT.index(TRUCE_EXACT))
    # The content offsets count in: decoded as UTF-8 without the mark, as BOM-aware readers give it.
    assert text_path.read_bytes().decode("utf-8-sig")[start:end] == exact
    assert read_article_text(text_path) == TEXT
    # Counting the mark as a character would put every offset one further.
    assert text_path.read_bytes().decode("utf-8")[start:end] != exact


def test_crlf_line_ends_count_as_two_characters_and_stay_in_the_exact_text(article_dir: Path) -> None:
    text = "Ukraine must stop rearming.\r\nUkraine\u2019s envoy backed\r\nthe March\u2013April truce on Tuesday.\r\n"
    text_path = _write_text(article_dir, text.encode("utf-8"))
    exact, start, end = _stored_quote(article_dir, "proposal", "spring-truce")
    assert exact == "Ukraine\u2019s envoy backed\r\nthe March\u2013April truce"
    assert (start, end) == (29, 29 + len(exact))
    assert text_path.read_bytes().decode("utf-8")[start:end] == exact
    assert text_path.open(encoding="utf-8", newline="").read()[start:end] == exact
    # Python's default text mode turns CRLF into LF, which shifts the offsets.
    assert text_path.read_text(encoding="utf-8")[start:end] != exact


def test_the_load_report_still_counts_the_quotes_found(article_dir: Path) -> None:
    _write_text(article_dir, TEXT.encode("utf-8"))
    corpus = check_paths([article_dir])
    (article,) = corpus.articles
    assert article.quotes_checked == 2
    assert article.quote_spans == {
        "Ukraine's envoy backed the March-April truce": QuoteSpan(
            TRUCE_EXACT, TEXT.index(TRUCE_EXACT), TEXT.index(TRUCE_EXACT) + len(TRUCE_EXACT)
        ),
        "Ukraine must stop rearming": QuoteSpan("Ukraine must stop rearming", 0, 26),
    }


def test_a_dash_typed_as_a_hyphen_is_found_but_a_hyphen_added_to_a_word_is_not(article_dir: Path) -> None:
    text = TEXT.replace("must stop rearming", "must stop re\u2013arming", 1)
    _write_text(article_dir, text.encode("utf-8"))
    # Now the first "rearming" is spelt with an en dash: the typed quote matches the second one only.
    assert _stored_quote(article_dir, "demand", "stop-rearming")[1] == text.rindex("Ukraine must stop rearming")
    _write_text(article_dir, TEXT.encode("utf-8"))
    (article_dir / f"{ARTICLE_ID}.yaml").write_text(
        ARTICLE.replace('quote: "Ukraine must stop rearming"', 'quote: "Ukraine must stop re-arming"'),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        validate_paths([article_dir])
    assert [problem.describe() for problem in raised.value.problems] == [
        f"{article_dir / ARTICLE_ID}.yaml:18: demand 'stop-rearming', field 'quote': quote not found in the "
        f"article text {article_dir / ARTICLE_ID}.txt: the text has 'Ukraine must stop re' but then differs at "
        "'-arming'. Copy the span exactly from the text (whitespace and the style of quote marks "
        "and dashes may differ; words and punctuation may not)."
    ]


# --- through the path: export, the evidence query, the mapping ---------------------------


def test_export_shows_the_exact_text_and_its_selector(article_dir: Path) -> None:
    text_path = _write_text(article_dir, TEXT.encode("utf-8"))
    assert run_ckg("load", article_dir, "--store", article_dir / "store").exit_code == 0
    result = run_ckg("export", "-f", "turtle", "--store", article_dir / "store")
    assert result.exit_code == 0, result.output
    assert "a oa:TextPositionSelector" in result.stdout
    graph = Graph().parse(data=result.stdout, format="turtle")
    quote = URIRef(quote_iri(ARTICLE_ID, "proposal", "spring-truce"))
    selector = URIRef(quote_selector_iri(ARTICLE_ID, "proposal", "spring-truce"))
    assert set(graph.objects(quote, OA.exact)) == {Literal(TRUCE_EXACT)}
    assert set(graph.objects(quote, OA.hasSelector)) == {selector}
    assert set(graph.objects(selector, RDF.type)) == {OA.TextPositionSelector}
    start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
    assert isinstance(start, Literal) and isinstance(end, Literal) and start.datatype == end.datatype == XSD.integer
    assert text_path.read_text(encoding="utf-8")[start.toPython() : end.toPython()] == TRUCE_EXACT


def test_the_evidence_query_answers_with_the_texts_characters(article_dir: Path) -> None:
    _write_text(article_dir, TEXT.encode("utf-8"))
    assert run_ckg("load", article_dir, "--store", article_dir / "store").exit_code == 0
    result = run_ckg("query", "evidence", "-p", "fact=spring-truce", "-f", "json", "--store", article_dir / "store")
    assert result.exit_code == 0, result.output
    assert [row["quote"] for row in json.loads(result.stdout)] == [TRUCE_EXACT]


def test_the_mapping_names_the_selector_its_offsets_and_the_link() -> None:
    mapping = default_mapping()
    assert mapping.label(str(OA.TextPositionSelector)) == "TextPositionSelector"
    assert (mapping.properties[str(OA.start)].name, mapping.properties[str(OA.start)].datatype) == (
        "start",
        str(XSD.integer),
    )
    assert mapping.properties[str(OA.end)].name == "end"
    assert mapping.predicate_kind(str(OA.hasSelector)) == RelationshipMapping(str(OA.hasSelector), "HAS_SELECTOR")


# --- the shapes ---------------------------------------------------------------------------

_OA = Nodes(OA)


def _selector_triples(article_dir: Path) -> tuple[list[TermTriple], ox.NamedNode]:
    _write_text(article_dir, TEXT.encode("utf-8"))
    triples = [t for g in corpus_graphs(check_paths([article_dir])) for t in g.triples]
    return triples, iri(quote_selector_iri(ARTICLE_ID, "proposal", "spring-truce"))


def test_the_loaded_selectors_conform(article_dir: Path) -> None:
    triples, selector = _selector_triples(article_dir)
    assert any(s == selector for s, _, _ in triples)
    assert shape_violations([*triples, *ontology_triples()]) == []


def test_the_shapes_refuse_a_selector_without_offsets_or_with_a_negative_one(article_dir: Path) -> None:
    triples, selector = _selector_triples(article_dir)
    broken = [t for t in triples if not (t[0] == selector and t[1] in (_OA.start, _OA.end))]
    broken.append((selector, _OA.start, ox.Literal("-1", datatype=iri(XSD.integer))))
    second = iri(quote_selector_iri(ARTICLE_ID, "demand", "stop-rearming"))
    broken.append((iri(quote_iri(ARTICLE_ID, "proposal", "spring-truce")), _OA.hasSelector, second))
    violations = shape_violations([*broken, *ontology_triples()])
    found = {(v.focus.value, v.path.value if v.path else "", v.message) for v in violations}
    quote = str(quote_iri(ARTICLE_ID, "proposal", "spring-truce"))
    assert found == {
        (selector.value, str(OA.start), 'Value is not >= Literal("0", datatype=xsd:integer) (value: -1)'),
        (selector.value, str(OA.end), f"Less than 1 values on <{selector.value}>->oa:end"),
        (quote, str(OA.hasSelector), f"More than 1 values on <{quote}>->oa:hasSelector"),
    }


# --- matching: the text's span, found as the normalised quote would be ---------------------


@pytest.mark.parametrize(
    ("quote", "text", "span"),
    [
        ("Ukraine's", "Kyiv and Ukraine\u2019s envoy", QuoteSpan("Ukraine\u2019s", 9, 18)),
        ('he said "yes"', "and he said \u201cyes\u201d.", QuoteSpan("he said \u201cyes\u201d", 4, 17)),
        ("2025-2026", "in 2025\u20132026 only", QuoteSpan("2025\u20132026", 3, 12)),
        ("a - b", "a \u2014 b", QuoteSpan("a \u2014 b", 0, 5)),
        ("over two lines", "go over\n  two\tlines.", QuoteSpan("over\n  two\tlines", 3, 19)),
        ("  padded  ", "x padded y", QuoteSpan("padded", 2, 8)),
        # Offsets count code points, as Python strings do: an emoji is one character.
        ("truce", "\U0001f54a\ufe0f a truce", QuoteSpan("truce", 5, 10)),
        ("[1] (a.b)*", "see [1] (a.b)* here", QuoteSpan("[1] (a.b)*", 4, 14)),
        ("rearming", "re-arming", None),
        ("yes", "Yes", None),
    ],
)
def test_find_quote_gives_the_texts_own_span(quote: str, text: str, span: QuoteSpan | None) -> None:
    found = find_quote(quote, text)
    assert found == span
    if found is not None:
        assert text[found.start : found.end] == found.exact


def test_the_text_is_folded_as_a_translation_table_would_fold_it() -> None:
    from ceasefire_kg.loaders.quotes import _FOLDED, _normalised_text

    text = "x " + " ".join(_FOLDED) + " \u00e9\u2026 \U0001f54a y"
    assert _normalised_text(text)[0] == text.translate(str.maketrans(_FOLDED))


def test_a_quote_of_only_whitespace_has_no_span() -> None:
    assert find_quote(" \n ", "any text") is None


def test_find_quote_matches_exactly_when_the_normalised_quote_is_in_the_normalised_text() -> None:
    # Random texts over an alphabet heavy in the characters the normalisation folds.
    alphabet = "ab '\"-\u2019\u201c\u201d\u2013\u2014\n\t\u00a0."
    generator = random.Random(13)
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        quote = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 5)))
        needle, haystack = normalise_quote_text(quote), normalise_quote_text(text)
        found = find_quote(quote, text)
        if not needle:
            assert found is None
            continue
        assert (found is not None) == (needle in haystack), (quote, text)
        if found is not None:
            assert text[found.start : found.end] == found.exact
            assert normalise_quote_text(found.exact) == needle
            # The first occurrence: its first character is where the normalised quote first starts.
            assert len(normalise_quote_text(text[: found.start + 1])) - 1 == haystack.index(needle), (quote, text)


# --- Neo4j: pushed, answered and read back -------------------------------------------------


@pytest.mark.neo4j
def test_neo4j_holds_the_exact_text_and_its_selector_and_reads_them_back(
    article_dir: Path, neo4j_driver: neo4j.Driver, neo4j_database: str
) -> None:
    _write_text(article_dir, TEXT.encode("utf-8"))
    with Store.open(article_dir / "store") as store:
        load_paths(store, [EXAMPLES, article_dir])
        push(store, neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        record = session.run(
            "MATCH (q:Quote {uri: $quote})-[:HAS_SELECTOR]->(s:Resource:TextPositionSelector) RETURN q, s",
            quote=str(quote_iri(ARTICLE_ID, "proposal", "spring-truce")),
        ).single()
    assert record is not None
    assert record["q"]["exact"] == TRUCE_EXACT
    selector = record["s"]
    assert selector["uri"] == str(quote_selector_iri(ARTICLE_ID, "proposal", "spring-truce"))
    assert TEXT[selector["start"] : selector["end"]] == TRUCE_EXACT
    assert isinstance(selector["start"], int) and "start__type" not in selector
    # Read back, the graph is the store's, selectors and exact texts included.
    assert neo4j_ntriples(neo4j_driver, neo4j_database) == store_ntriples(article_dir / "store")
    answer = Neo4jGraph(neo4j_driver, neo4j_database).query("evidence", fact="spring-truce")
    assert [row["quote"] for row in answer.records()] == [TRUCE_EXACT]
