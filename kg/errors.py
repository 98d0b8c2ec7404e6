"""The one error hierarchy of ceasefire-kg.

Library code raises these; the CLI turns them into messages and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import difflib

from ceasefire_kg.wording import counted


def clause(text: str) -> str:
    """``text`` without its closing full stops, to embed it in a sentence of one's own.

    Driver messages and sub-sentences often end in a period; written before
    ``". Check ..."`` or ``")."`` they would end the sentence twice.
    """
    return text.strip().rstrip(".").rstrip()


class CkgError(Exception):
    """Base class of every error ceasefire-kg reports to a user."""


# --- Managed local Neo4j server (ceasefire_kg.neo4j_server) -----------------


class Neo4jServerError(CkgError):
    """The managed local Neo4j server could not be installed, started or stopped."""


class JavaNotFound(Neo4jServerError):
    """No usable Java runtime: none found, or older than Neo4j needs."""


class MavenNotFound(Neo4jServerError):
    """Maven is needed to download Neo4j's jars but is not installed."""


class MavenResolveFailed(Neo4jServerError):
    """Maven could not download (resolve) Neo4j's jars."""


class PortInUse(Neo4jServerError):
    """A port the server needs is already taken by another program."""


class ServerDiedDuringStart(Neo4jServerError):
    """The Neo4j process exited while it was starting."""


class ServerStartTimedOut(Neo4jServerError):
    """The Neo4j process kept running but did not answer on Bolt in time."""


class InvalidServerSetting(Neo4jServerError):
    """A server setting (password, port, memory size, ...) is not acceptable."""


class WrongPassword(Neo4jServerError):
    """The server's data folder was initialised with another password."""


class StoreError(CkgError):
    """The embedded store cannot be opened, read or written."""


class InputError(CkgError):
    """Article-fact files that cannot be loaded; carries every problem found.

    Args:
        problems: What is wrong, each with its file, line, fact and field.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.problems)
        files = len({problem.file for problem in self.problems})
        header = f"{counted(count, 'problem')} in {counted(files, 'file')}; nothing was stored:"
        return "\n".join([header, *(problem.describe() for problem in self.problems)])


class Problem:
    """One thing wrong with an input file, located as precisely as possible.

    Args:
        file: The file, as the user named it.
        message: What is wrong.
        hint: How to fix it.
        line: 1-based line number, when known.
        fact: The fact it concerns, as ``kind 'id'`` (for example ``demand 'x'``).
        field: The field it concerns.
    """

    __slots__ = ("fact", "field", "file", "hint", "line", "message")

    def __init__(
        self,
        file: str,
        message: str,
        hint: str = "",
        *,
        line: int | None = None,
        fact: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.message = message
        self.hint = hint
        self.line = line
        self.fact = fact
        self.field = field

    def sort_key(self) -> tuple[str, int, str]:
        """Order problems by file, then line, then message."""
        return (self.file, self.line or 0, self.message)

    def describe(self) -> str:
        """Render as ``file:line: fact, field: message. hint``."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        subject = ", ".join(part for part in (self.fact, f"field '{self.field}'" if self.field else None) if part)
        text = f"{where}: {subject + ': ' if subject else ''}{self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text

    def __repr__(self) -> str:
        return f"Problem({self.describe()!r})"


# --- Pushing to, and reading back from, a Neo4j database (ceasefire_kg.push) --


class GraphDatabaseError(CkgError):
    """Talking to a Neo4j database failed, or the database is not fit for ckg."""


class Neo4jUnreachable(GraphDatabaseError):
    """No Neo4j server answers at the URI (down, wrong host or port, network cut)."""


class Neo4jAuthFailed(GraphDatabaseError):
    """The server refused the user name or password."""


class Neo4jDatabaseMissing(GraphDatabaseError):
    """The named database does not exist on the server."""


class Neo4jConflict(GraphDatabaseError):
    """The database holds data or schema that ckg must not overwrite or cannot work with."""


class Neo4jTooOld(GraphDatabaseError):
    """The server is older than the Neo4j version ckg writes for."""


class BulkPushUnavailable(GraphDatabaseError):
    """A bulk push (Neo4j's offline importer) cannot be used for this target: not the managed server, not running, not empty."""


class ConcurrentPush(GraphDatabaseError):
    """Another push changed the database while this one was running."""


class SchemaDrift(CkgError):
    """A class, predicate, label, type or property outside the mapping whitelist."""


# --- Saved queries (ceasefire_kg.saved_queries) --------------------------------


class SavedQueryError(CkgError):
    """A saved query cannot be found, read, given its parameters or run."""


class UnknownSavedQuery(SavedQueryError):
    """No saved query of that name, and no query file at that path."""


class SavedQueryFileError(SavedQueryError):
    """A query file's header is malformed, or its query disagrees with the header."""


class QueryParameterError(SavedQueryError):
    """A parameter given to a saved query is unknown, missing or of the wrong type."""


class QueryBackendUnavailable(SavedQueryError):
    """The backend asked for cannot run the query (Neo4j unreachable, no version for it)."""


class QueryNotReadOnly(SavedQueryError):
    """A query tried to write; saved queries run in read transactions."""


class QueryFailed(SavedQueryError):
    """The backend failed while answering a query."""


# --- Neo4j Browser assets (ceasefire_kg.browser) ---------------------------------


class BrowserAssetsError(CkgError):
    """The Neo4j Browser stylesheet or guide cannot be made or served."""


class BrowserAssetPortInUse(BrowserAssetsError):
    """The port `ckg browser` should serve on is taken by another program."""


class QueryNeo4jUnreachable(QueryBackendUnavailable):
    """Neo4j does not answer, refuses the credentials or lacks the database (so auto uses the store)."""


# --- Negotiation analytics (ceasefire_kg.analysis) --------------------------------


class AnalysisError(CkgError):
    """An analysis cannot run as asked (an unknown fact, an unknown output format)."""


class UnknownFact(AnalysisError):
    """No fact of the kind asked for has the id or IRI given."""

    @classmethod
    def for_reference(cls, reference: str, kind: str, known: list[str]) -> UnknownFact:
        """The error for ``reference``, suggesting the closest known ids.

        Args:
            reference: The id or IRI given.
            kind: What was looked for, such as ``demand``.
            known: The fact ids of that kind in the graph.
        """
        close = difflib.get_close_matches(reference, known, n=3, cutoff=0.5)
        if close:
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?"
        elif known:
            shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
            hint = f" Known {kind}s: {shown}."
        else:
            hint = f" The graph has no {kind}s: load (and, for Neo4j, push) some articles first."
        listing = {"demand": "demands", "proposal": "positions"}.get(kind)
        where = f" 'ckg query {listing}' lists them with their ids." if listing else ""
        return cls(f"No {kind} with the id or IRI {reference!r} in the graph.{hint}{where}")


# --- The one-page brief (ceasefire_kg.brief) ------------------------------------------


class BriefError(CkgError):
    """A brief cannot be made as asked."""


class EmptyStore(BriefError):
    """The back end holds no article to brief on."""


class DateBeforeArticles(BriefError):
    """The brief's date is before the first article: nothing was known then."""


class UnknownSelection(BriefError):
    """No proposal or scope has the id given, as of the brief's date."""

    @classmethod
    def for_reference(cls, reference: str, kind: str, known: list[str], date: dt.date) -> UnknownSelection:
        """The error for ``reference``, suggesting the closest known ids.

        Args:
            reference: The id given.
            kind: ``proposal`` or ``scope``.
            known: The ids of that kind known on the date.
            date: The brief's date.
        """
        close = difflib.get_close_matches(reference, known, n=3, cutoff=0.5)
        if close:
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?"
        else:
            more = f" and {len(known) - 8} more" if len(known) > 8 else ""
            hint = f" Known {kind}s: {', '.join(known[:8])}{more}." if known else ""
        return cls(f"Unknown {kind} {reference!r}: no {kind} with that id was known on {date.isoformat()}.{hint}")


# --- Drafting fact files from article texts (ceasefire_kg.draft) ------------


class DraftError(CkgError):
    """An article cannot be drafted as asked (no text, a bad date, an unreadable registry)."""


class DraftEndpointError(DraftError):
    """The language-model endpoint given to ``ckg draft --llm`` failed or answered unusably."""
