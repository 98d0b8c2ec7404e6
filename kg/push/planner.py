"""Turn graph changes into write transactions, batch by batch.

For every resource a batch's graphs mention as subject, the planner rebuilds
its node and its outgoing relationships from what *all* graphs assert about
it (the new content of the graphs being sent, the pushed content of the
others: the unchanged ones read from the store, the changed ones not yet sent
from their bookkeeping node), and plans only the difference. A resource no
graph mentions any more is planned for deletion.

Every node and relationship also carries ``known``, the earliest publication
date of the articles asserting it (see :mod:`.state`), so the planner follows
the publication date of every graph: from the store for the graphs not being
sent, from the content it holds (pushed, then new) for the others. A graph
whose date changes is itself a changed graph, so every subject it asserts is
planned again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ceasefire_kg.mapping import Mapping, local_name
from ceasefire_kg.push.changes import GraphChange
from ceasefire_kg.push.state import (
    Date,
    Entries,
    EntriesBySubject,
    NodeProperties,
    Published,
    SubjectState,
    add_entries,
    by_subject,
    merge_states,
    provenance,
    publication_date,
    store_publication_dates,
    subject_state,
)
from ceasefire_kg.push.statements import WritePlan
from ceasefire_kg.push.wire import WireDates
from ceasefire_kg.store import Store

#: Subjects that more graphs than this assert, or with more relationships than
#: _HUB_ENTRIES, keep their state between batches.
_HUB_GRAPHS = 4
_HUB_ENTRIES = 64
#: The state of a subject no graph asserts (shared: states are never changed once computed).
_NOTHING = SubjectState()


def _subject_values(triples: Iterable[ox.Triple]) -> set[str]:
    # N-Triples subjects are IRIs or blank nodes (a blank one is refused when added).
    return {t.subject.value for t in triples if isinstance(t.subject, (ox.NamedNode, ox.BlankNode))}


class Planner:
    """Turns graph changes into write transactions, batch by batch."""

    def __init__(
        self, store: Store, mapping: Mapping, changes: list[GraphChange], unchanged: bool, *, fresh: bool = False
    ) -> None:
        """Prepare to plan.

        Args:
            store: The store, for what unchanged graphs say.
            mapping: The whitelist.
            changes: The graphs to send, with their pushed content.
            unchanged: Whether some local graphs are not being sent.
            fresh: Whether the database holds no ckg node yet: a node this push
                has not written before is then created without looking it up.
        """
        self.store = store
        self.mapping = mapping
        self.sending = {change.iri for change in changes}
        self.has_unchanged = unchanged
        # The nodes this push wrote so far; None when nodes may exist already.
        self.written: set[str] | None = set() if fresh else None
        # subject -> graph -> [(predicate, object)]: the pushed content of the graphs being sent.
        self.pushed: EntriesBySubject = {}
        self.local: dict[str, dict[str, Entries]] = {}
        # The last state computed for big subjects (hubs): the next batch's "before".
        self.states: dict[str, SubjectState] = {}
        self.published: Published = store_publication_dates(store, self.sending) if unchanged else {}
        for change in changes:
            grouped = by_subject(change.iri, change.old or ())
            add_entries(self.pushed, change.iri, grouped)
            self._date(change.iri, grouped)
        # Dates go into the rows as the driver sends them, each made once.
        self.wire = WireDates()
        self.node_properties = NodeProperties(mapping, self.wire)

    def _date(self, graph: str, grouped: dict[str, Entries]) -> None:
        """Follow a graph's publication date as its content is swapped."""
        date = publication_date(graph, grouped)
        if date is None:
            self.published.pop(graph, None)
        else:
            self.published[graph] = date

    def _remove(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        for subject in _subject_values(triples):
            by_graph = self.pushed.get(subject)
            if by_graph is not None:
                by_graph.pop(graph, None)
                if not by_graph:
                    del self.pushed[subject]

    def _unchanged_contributions(self, subject: str) -> dict[str, Entries]:
        """What graphs that are not being sent (so are in Neo4j as in the store) say about a subject."""
        if not self.has_unchanged:
            return {}
        cached = self.local.get(subject)
        if cached is None:
            cached = {}
            for quad in self.store.quads(subject=subject):
                graph = quad.graph_name
                if isinstance(graph, ox.NamedNode) and graph.value not in self.sending:
                    cached.setdefault(graph.value, []).append((quad.predicate.value, quad.object))
            self.local[subject] = cached
        return cached

    def _subject_state(self, subject: str, *, before: bool) -> SubjectState:
        if before:
            cached = self.states.pop(subject, None)
            if cached is not None:
                return cached
            if not self.has_unchanged and subject not in self.pushed:
                return _NOTHING  # new in this batch: most subjects of a first push
        unchanged = self._unchanged_contributions(subject)
        pushed = self.pushed.get(subject, {})
        state = subject_state(self.mapping, [*unchanged.items(), *pushed.items()], self.published)
        if not before:
            self._keep_hub(subject, state)
        return state

    def _keep_hub(self, subject: str, state: SubjectState) -> None:
        """Keep the state of a subject many graphs assert, for the next batch's "before"."""
        if len(state.graphs) > _HUB_GRAPHS or len(state.rels) > _HUB_ENTRIES:
            self.states[subject] = state

    def _states_after_adding(
        self, batch: list[GraphChange], new: dict[str, dict[str, Entries]], before: dict[str, SubjectState]
    ) -> dict[str, SubjectState]:
        """Each subject's state after a batch that only adds graphs: its state before, and what they add."""
        added: dict[str, list[tuple[str, Entries]]] = {}
        for change in batch:
            for subject, entries in new.get(change.iri, {}).items():
                found = added.get(subject)
                if found is None:
                    added[subject] = [(change.iri, entries)]
                else:
                    found.append((change.iri, entries))
        after = {}
        for subject, sources in added.items():
            state = merge_states(before[subject], subject_state(self.mapping, sources, self.published))
            self._keep_hub(subject, state)
            after[subject] = state
        return after

    def plan(self, batch: list[GraphChange], token: str, revision: int) -> WritePlan:
        """The writes that take Neo4j from before ``batch`` to after it.

        Args:
            batch: The graphs of one transaction, with their old and new content.
            token: Identifies the transaction (to recognise one the driver retried).
            revision: The database's revision the transaction expects to find.
        """
        subjects: set[str] = set()
        # The new content filed by subject once: its subjects, then what is pushed.
        new: dict[str, dict[str, Entries]] = {}
        for change in batch:
            subjects.update(_subject_values(change.old or ()))
            if change.new is not None:
                grouped = new[change.iri] = by_subject(change.iri, change.new)
                subjects.update(grouped)
        before = {subject: self._subject_state(subject, before=True) for subject in subjects}
        for change in batch:
            self._remove(change.iri, change.old or ())
            now = new.get(change.iri)
            if now is not None:
                add_entries(self.pushed, change.iri, now)
            self._date(change.iri, now or {})
        if all(change.old is None for change in batch):
            # Only graphs never pushed: the graphs each subject had keep what they assert.
            after = self._states_after_adding(batch, new, before)
        else:
            after = {subject: self._subject_state(subject, before=False) for subject in subjects}

        plan = WritePlan(token=token, revision=revision)
        self._plan_subjects(plan, sorted(subjects), before, after)
        for change in batch:
            if change.new is None:
                plan.dropped_graphs.append(change.iri)
            else:
                plan.graphs.append(
                    {
                        "iri": change.iri,
                        "hash": change.new_hash,
                        "content": change.new_content,
                        "triples": len(change.new),
                    }
                )
        return plan

    def _plan_subjects(
        self,
        plan: WritePlan,
        subjects: list[str],
        before: dict[str, SubjectState],
        after: dict[str, SubjectState],
    ) -> None:
        """Plan the node and relationship writes that take each subject from its state before to after."""
        objects: dict[str, str] = {}
        garbage: set[str] = set()
        provenances = self.node_properties.provenances
        # Each graph set's provenance with its ``known`` date as the rows carry them, made once.
        rel_values: dict[tuple[frozenset[str], Date | None], tuple[list[str], list[str], Any]] = {}
        pushed = self.pushed
        labels = self.mapping.labels
        written = self.written
        wire, node_properties = self.wire, self.node_properties
        creates, updates = plan.creates, plan.updates
        for subject in subjects:
            old, new = before[subject], after[subject]
            if not old.node_equals(new):
                old_labels = {labels[t] for t in old.types}
                new_labels = {labels[t] for t in new.types}
                node_row = {
                    "uri": subject,
                    "props": node_properties(subject, new),
                    "add": sorted(new_labels - old_labels),
                    "remove": sorted(old_labels - new_labels),
                }
                if written is not None and subject not in written:
                    written.add(subject)
                    plan.new_nodes.append(node_row)
                else:
                    plan.nodes.append(node_row)
                if not new.graphs:
                    garbage.add(subject)
            was_rels, was_known = old.rels, old.rel_known
            if was_rels:
                for key in was_rels.keys() - new.rels.keys():
                    rel_type, obj = key
                    plan.deletes.append({"s": subject, "t": rel_type, "o": obj})
                    garbage.add(obj)
            rel_known = new.rel_known
            for key, graphs in new.rels.items():
                known = rel_known[key]
                was = was_rels.get(key) if was_rels else None
                if was is not None and was == graphs and was_known.get(key) == known:
                    continue
                values = rel_values.get((graphs, known))
                if values is None:
                    graph_list, article_ids = provenance(graphs, provenances)
                    values = rel_values[(graphs, known)] = (
                        graph_list,
                        article_ids,
                        None if known is None else wire(known),
                    )
                rel_type, obj = key
                row = {"s": subject, "t": rel_type, "o": obj, "g": values[0], "a": values[1], "k": values[2]}
                if was is None:
                    # A node some pushed graph asserts as subject exists once this
                    # transaction's nodes are written: no need to MERGE it again.
                    if obj not in objects and obj not in pushed:
                        objects[obj] = local_name(obj)
                    creates.append(row)
                else:
                    updates.append(row)
        for uri, name in sorted(objects.items()):
            if written is not None and uri not in written:
                written.add(uri)
                plan.new_objects.append({"uri": uri, "name": name})
            else:
                plan.objects.append({"uri": uri, "name": name})
        plan.garbage = sorted(garbage)
