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

import pyoxigraph as ox

from ceasefire_kg.mapping import Mapping, local_name
from ceasefire_kg.push.changes import GraphChange
from ceasefire_kg.push.state import (
    Entries,
    EntriesBySubject,
    Provenances,
    Published,
    SubjectState,
    add_entries,
    by_subject,
    node_properties,
    provenance,
    publication_date,
    store_publication_dates,
    subject_state,
)
from ceasefire_kg.push.statements import WritePlan
from ceasefire_kg.store import Store

#: Subjects with more pushed triples than this keep their state between batches.
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
            self._add(change.iri, change.old or ())
            self._date(change.iri, change.old)

    def _add(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        add_entries(self.pushed, graph, by_subject(graph, triples))

    def _date(self, graph: str, triples: list[ox.Triple] | None) -> None:
        """Follow a graph's publication date as its content is swapped."""
        date = publication_date(graph, triples or ())
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
                    cached.setdefault(graph.value, []).append((quad.predicate, quad.object))
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
        if not before and sum(len(entries) for entries in pushed.values()) > _HUB_ENTRIES:
            self.states[subject] = state
        return state

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
            if change.iri in new:
                add_entries(self.pushed, change.iri, new[change.iri])
            self._date(change.iri, change.new)
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
        provenances: Provenances = {}
        pushed = self.pushed
        labels = self.mapping.labels
        written = self.written
        for subject in subjects:
            old, new = before[subject], after[subject]
            if not old.node_equals(new):
                old_labels = {labels[t] for t in old.types}
                new_labels = {labels[t] for t in new.types}
                node_row = {
                    "uri": subject,
                    "props": node_properties(self.mapping, subject, new, provenances),
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
            for key in old.rels.keys() - new.rels.keys():
                rel_type, obj = key
                plan.deletes.append({"s": subject, "t": rel_type, "o": obj})
                garbage.add(obj)
            for key, graphs in new.rels.items():
                was = old.rels.get(key)
                known = new.rel_known[key]
                if was != graphs or old.rel_known.get(key) != known:
                    rel_type, obj = key
                    graph_list, article_ids = provenance(graphs, provenances)
                    row = {"s": subject, "t": rel_type, "o": obj, "g": graph_list, "a": article_ids, "k": known}
                    if was is None:
                        # A node some pushed graph asserts as subject exists once this
                        # transaction's nodes are written: no need to MERGE it again.
                        if obj not in objects and obj not in pushed:
                            objects[obj] = local_name(obj)
                        plan.creates.append(row)
                    else:
                        plan.updates.append(row)
        for uri, name in sorted(objects.items()):
            if written is not None and uri not in written:
                written.add(uri)
                plan.new_objects.append({"uri": uri, "name": name})
            else:
                plan.objects.append({"uri": uri, "name": name})
        plan.garbage = sorted(garbage)
