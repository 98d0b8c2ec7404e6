"""What a push did, and how it tells its progress."""

from __future__ import annotations

from dataclasses import dataclass, field

#: How a bulk push's report names its steps.
_STEP_NAMES = {
    "plan": "planning",
    "csv": "writing CSV",
    "stop": "stopping the server",
    "import": "importing",
    "start": "starting it again",
    "schema": "constraints and indexes",
    "state": "push state",
}


@dataclass
class PushReport:
    """What a push did.

    Attributes:
        added: Graphs sent for the first time.
        changed: Graphs whose content changed since the last push.
        removed: Graphs no longer in the store, removed from Neo4j.
        unchanged: Number of graphs already up to date.
        triples: Triples sent (new content of added and changed graphs).
        transactions: Write transactions committed.
        nodes: ckg nodes (``:Resource``) in the database afterwards.
        relationships: Relationships between them afterwards.
        seconds: Wall-clock duration.
        method: ``bolt`` (transactions) or ``bulk`` (Neo4j's offline importer).
        steps: For a bulk push, the seconds of each step (plan, csv, stop, import, start, schema, state).
    """

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples: int = 0
    transactions: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    method: str = "bolt"
    steps: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """A short human summary."""
        if self.method == "bulk":
            steps = ", ".join(f"{_STEP_NAMES.get(name, name)} {seconds:.1f} s" for name, seconds in self.steps.items())
            head = (
                f"Imported {len(self.added)} graphs ({self.triples} triples) into the managed Neo4j with "
                f"neo4j-admin database import full in {self.seconds:.1f} s ({steps}; "
                f"{self.transactions} transactions after the import)."
            )
        elif not (self.added or self.changed or self.removed):
            head = f"Neo4j was already up to date ({self.unchanged} graphs)."
        else:
            head = (
                f"Pushed {len(self.added)} new, {len(self.changed)} changed and {len(self.removed)} removed "
                f"graphs ({self.triples} triples, {self.transactions} transactions, {self.seconds:.1f} s); "
                f"{self.unchanged} graphs were up to date."
            )
        return f"{head}\nNeo4j now holds {self.nodes} nodes and {self.relationships} relationships from ckg."
