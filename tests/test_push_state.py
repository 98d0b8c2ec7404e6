"""The push's planning without a server: merged states equal states computed whole; dates as the driver packs them."""

from __future__ import annotations

import datetime
import io
import random

import neo4j.time
import pyoxigraph as ox
import pytest
from neo4j._codec.hydration.bolt.v2 import HydrationHandler
from neo4j._codec.packstream.v1 import Packer

from ceasefire_kg.mapping import RDF_TYPE, default_mapping
from ceasefire_kg.namespaces import article_graph_iri, registry_graph_iri
from ceasefire_kg.push.state import SubjectState, merge_states, subject_state
from ceasefire_kg.push.wire import WireDates

_MAPPING = default_mapping()
_CLASSES = sorted(_MAPPING.labels)[:4]
_PROPERTIES = [p for p in sorted(_MAPPING.properties) if not _MAPPING.properties[p].multiple][:3]
_RELATIONSHIPS = sorted(_MAPPING.relationships)[:3]
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _entries(rng: random.Random) -> list[tuple[str, object]]:
    """What one graph might say about a subject: a few types, values and relationships, overlapping between graphs."""
    entries: list[tuple[str, object]] = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.random()
        if kind < 0.2:
            entries.append((RDF_TYPE, ox.NamedNode(rng.choice(_CLASSES))))
        elif kind < 0.6:
            value = rng.choice(["a", "b", "c", "2031-01-0" + str(rng.randint(1, 3))])
            literal = ox.Literal(value, datatype=ox.NamedNode(_XSD + ("date" if value[0] == "2" else "string")))
            entries.append((rng.choice(_PROPERTIES), literal))
        else:
            entries.append((rng.choice(_RELATIONSHIPS), ox.NamedNode(f"urn:ckg-test:o{rng.randint(1, 4)}")))
    return list(dict.fromkeys(entries))  # a graph holds a triple once


def _as_compared(state: SubjectState) -> tuple[object, ...]:
    # Dict order too: it decides the order of the properties and rows a push sends.
    return (
        state.types,
        [(p, list(values.items())) for p, values in state.literals.items()],
        list(state.rels.items()),
        list(state.rel_known.items()),
        state.graphs,
        state.known,
    )


@pytest.mark.parametrize("seed", range(40))
def test_a_state_merged_with_added_graphs_is_the_state_computed_whole(seed: int) -> None:
    rng = random.Random(seed)
    graphs = [article_graph_iri(f"a{i}") for i in range(5)] + [registry_graph_iri("r")]
    rng.shuffle(graphs)
    sources = [(graph, _entries(rng)) for graph in graphs[: rng.randint(2, 6)]]
    # Some articles published, in any order; a registry and the unpublished ones are known from the start.
    published = {
        g: datetime.date(2031, 1, rng.randint(1, 28)) for g in graphs if "/article/" in g and rng.random() < 0.8
    }
    cut = rng.randint(0, len(sources))
    merged = merge_states(
        subject_state(_MAPPING, sources[:cut], published), subject_state(_MAPPING, sources[cut:], published)
    )
    assert _as_compared(merged) == _as_compared(subject_state(_MAPPING, sources, published))


def _packed(value: object) -> bytes:
    out = io.BytesIO()
    hooks = HydrationHandler().new_hydration_scope().dehydration_hooks
    Packer(out).pack({"rows": [{"k": value}]}, dehydration_hooks=hooks)
    return out.getvalue()


@pytest.mark.parametrize(
    "date", [datetime.date(1, 1, 1), datetime.date(1969, 12, 31), datetime.date(1970, 1, 1), datetime.date(2031, 3, 10)]
)
def test_dates_in_rows_pack_as_the_driver_packs_the_dates_themselves(date: datetime.date) -> None:
    wire = WireDates()
    assert _packed(wire(date)) == _packed(date)
    driver_date = neo4j.time.Date(date.year, date.month, date.day)
    assert _packed(wire(driver_date)) == _packed(driver_date) == _packed(date)
    assert wire(date) is wire(date)  # made once
