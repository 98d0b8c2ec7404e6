"""Neo4j client code in one place: building the driver, sessions, server checks, error translation.

Every module that talks to Neo4j (push, reading the graph back, saved queries,
analyses) gets its driver from the caller and uses the helpers here for
sessions and for turning the driver's exceptions into ckg errors that say what
to do. Only the CLI calls :func:`connect`, from its --uri/--username/--password
options (NEO4J_* variables).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from ceasefire_kg import neo4j_server
from ceasefire_kg.connection import Connection
from ceasefire_kg.errors import (
    CkgError,
    GraphDatabaseError,
    Neo4jAuthFailed,
    Neo4jConflict,
    Neo4jDatabaseMissing,
    Neo4jTooOld,
    Neo4jUnreachable,
    QueryNeo4jUnreachable,
    clause,
)

logger = logging.getLogger(__name__)

#: The oldest Neo4j that ckg writes to: push's statements name labels and types dynamically.
MINIMUM_SERVER_VERSION = (5, 26)
#: Seconds to wait for a server to connect and answer the Bolt handshake. The driver's own 60 s made a
#: URI that points at some other TCP service hang for a minute before its message.
CONNECT_TIMEOUT_SECONDS = 15.0
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
URI_HINT = "Use neo4j://HOST:PORT, neo4j+s://HOST (cluster, Aura) or bolt://HOST:PORT (--uri / NEO4J_URI)."


@contextmanager
def connect(connection: Connection, unusable: type[CkgError] = GraphDatabaseError) -> Iterator[neo4j.Driver]:
    """Build a driver for a connection (the only place that does) and close it afterwards.

    Building a driver does not contact the server; :func:`check_database` or
    :func:`neo4j_problem` do.

    Args:
        connection: The URI, user, password (None: the managed server's stored one).
        unusable: The error to raise when the connection cannot give a driver.

    Raises:
        CkgError: Of type ``unusable``, when the URI is not a Bolt URI or no password is known.
    """
    uri = connection.uri
    if not uri:
        raise unusable("No Neo4j URI: give it with --uri or NEO4J_URI (such as neo4j://127.0.0.1:7687).")
    # A URI that is no Bolt URI at all is the first thing to fix, before any password.
    if uri.split("://", 1)[0].lower() not in BOLT_SCHEMES:
        raise unusable(f"{uri!r} is not a Bolt URI. {URI_HINT}")
    try:
        # The driver only parses the port when it first connects, and then fails with a bare ValueError.
        urllib.parse.urlsplit(uri).port  # noqa: B018 (read for its check)
    except ValueError as error:
        raise unusable(f"Cannot use the Neo4j URI {uri!r}: {clause(str(error))}. {URI_HINT}") from error
    password = connection.password
    if password is None:
        settings = neo4j_server.Neo4jSettings.for_home()
        password = neo4j_server.stored_password(settings)
        if password is None:
            raise unusable(
                "No Neo4j password: give it with --password or NEO4J_PASSWORD "
                f"(for the managed server it is kept in {settings.password_file} once `ckg neo4j start` ran)."
            )
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The driver logs failed attempts itself; ckg's error message says it all (-vv shows them).
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(connection.username, password),
            connection_timeout=CONNECT_TIMEOUT_SECONDS,
            connection_acquisition_timeout=CONNECT_TIMEOUT_SECONDS,
        )
    except (ValueError, neo4j.exceptions.ConfigurationError) as error:
        raise unusable(f"Cannot use the Neo4j URI {uri!r}: {clause(str(error))}. {URI_HINT}") from error
    with driver:
        yield driver


def probe(uri: str, username: str, password: str, database: str | None, *, timeout: float) -> bool:
    """Connect and run ``RETURN 1`` once, without the driver's retries.

    For waiting on a starting server: the driver's own exceptions come through
    (the caller tells "not up yet" from "wrong password").

    Returns:
        Whether the answer was 1.
    """
    with neo4j.GraphDatabase.driver(uri, auth=(username, password), connection_timeout=timeout) as driver:
        driver.verify_connectivity()
        # A plain session run is not retried, unlike execute_query.
        with driver.session(database=database) as session:
            record = session.run("RETURN 1 AS ok").single()
            return record is not None and record["ok"] == 1


def describe_target(driver: neo4j.Driver, database: str | None) -> str:
    """``database 'x' at host:port`` for messages."""
    addresses = getattr(driver, "initial_addresses", None)
    if not addresses:  # a bolt:// driver names its one address on its pool
        address = getattr(getattr(driver, "_pool", None), "address", None)
        addresses = [address] if address else []
    text = ", ".join(str(address) for address in addresses) or "the configured URI"
    return f"database '{database}' at {text}" if database else f"the default database at {text}"


@contextmanager
def neo4j_errors(driver: neo4j.Driver, database: str | None, doing: str) -> Iterator[None]:
    """Turn the driver's exceptions into ckg errors that say what to do.

    Args:
        driver: The driver in use (for the address in messages).
        database: The database in use.
        doing: What was being done, for messages (``"pushing"``).
    """
    where = describe_target(driver, database)
    try:
        yield
    except AuthError as error:
        raise Neo4jAuthFailed(
            f"Neo4j refused the user name or password while {doing} ({where}): {clause(error.message or str(error))}. "
            "Give the right ones with --username/--password (NEO4J_USERNAME/NEO4J_PASSWORD); "
            "the managed server's password is in its home folder (see `ckg neo4j start`)."
        ) from error
    except ClientError as error:
        code = error.code or ""
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            raise Neo4jDatabaseMissing(
                f"There is no {where}. Create it (`CREATE DATABASE {database}`, Enterprise or Aura) "
                "or choose an existing one with --database / NEO4J_DATABASE (Community has only 'neo4j')."
            ) from error
        if code.startswith("Neo.ClientError.Security."):
            raise Neo4jAuthFailed(
                f"Neo4j did not allow {doing} in {where}: {clause(error.message or str(error))}. Use a user with write "
                "access to that database (--username / NEO4J_USERNAME)."
            ) from error
        if code.startswith("Neo.ClientError.Schema."):
            raise Neo4jConflict(
                f"The schema of {where} conflicts with ckg's while {doing}: {clause(error.message or str(error))}. "
                "A constraint or index that is not ckg's rejects its data; drop it, or push into "
                "another database (--database / NEO4J_DATABASE)."
            ) from error
        raise GraphDatabaseError(
            f"Neo4j rejected a request while {doing} ({where}): {code}: {clause(error.message or str(error))}."
        ) from error
    except (ServiceUnavailable, SessionExpired) as error:
        reason = clause(" ".join(str(error).split()))
        raise Neo4jUnreachable(
            f"Cannot reach Neo4j ({where}) while {doing}: {reason}. Start it with `ckg neo4j start`, "
            "or set the right URI with --uri / NEO4J_URI. Nothing half-written stays behind: "
            "run the command again once Neo4j answers."
        ) from error
    except Neo4jError as error:
        raise GraphDatabaseError(
            f"Neo4j failed while {doing} ({where}): {error.code}: {clause(error.message or str(error))}. Run the command again; "
            "each transaction is all or nothing."
        ) from error
    except DriverError as error:
        raise GraphDatabaseError(f"The Neo4j driver failed while {doing} ({where}): {error}") from error


def open_session(driver: neo4j.Driver, database: str | None, *, read: bool = False) -> neo4j.Session:
    """A session on the database, without the server's notifications (ckg's queries expect missing labels)."""
    return driver.session(
        database=database,
        default_access_mode=neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS,
        notifications_min_severity="OFF",
    )


def check_database(driver: neo4j.Driver, database: str | None) -> None:
    """Make sure the server answers, accepts the credentials, has the database and is recent enough.

    Raises:
        Neo4jUnreachable, Neo4jAuthFailed, Neo4jDatabaseMissing: As the case may be.
        Neo4jTooOld: The server is older than :data:`MINIMUM_SERVER_VERSION`.
    """
    with neo4j_errors(driver, database, "connecting"):
        driver.verify_connectivity()
        with open_session(driver, database, read=True) as session:
            agent = session.run("RETURN 1").consume().server.agent
    version = server_version(agent)
    if version is not None and version < MINIMUM_SERVER_VERSION:
        wanted = ".".join(map(str, MINIMUM_SERVER_VERSION))
        raise Neo4jTooOld(
            f"The {describe_target(driver, database)} runs {agent}; ckg push needs Neo4j {wanted} or later "
            "(Aura is). Upgrade the server, or use the managed one (`ckg neo4j start`)."
        )


def server_version(agent: str) -> tuple[int, int] | None:
    """(major, minor) from a server agent such as ``Neo4j/5.26.30``; None if it says no version."""
    match = re.fullmatch(r"Neo4j/(\d+)\.(\d+)(?:\D.*)?", agent or "")
    return (int(match[1]), int(match[2])) if match else None


@dataclass(frozen=True)
class Neo4jProblem:
    """Why a Neo4j server cannot answer queries.

    Attributes:
        summary: What is wrong in a few words, without the driver's own, such as
            ``Neo4j at neo4j://127.0.0.1:7687 refused the user name or password``
            (no closing period): enough for a note when the embedded store answers instead.
        message: The whole story for an error: what is wrong, the driver's words
            and what to do.
        cause: The driver's exception.
    """

    summary: str
    message: str
    cause: BaseException

    def error(self) -> QueryNeo4jUnreachable:
        """The error to raise when Neo4j must answer."""
        error = QueryNeo4jUnreachable(self.message)
        error.__cause__ = self.cause
        return error


def neo4j_problem(driver: neo4j.Driver, uri: str, database: str | None = None) -> Neo4jProblem | None:
    """Find out whether Neo4j answers at ``uri`` and accepts the credentials.

    Args:
        driver: A driver to the server.
        uri: The server's URI, for messages.
        database: The database to check, or None for the server's default.

    Returns:
        None when it does, else what is wrong.
    """
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as session:
            session.execute_read(lambda tx: tx.run("RETURN 1").consume())
    except neo4j.exceptions.AuthError as error:
        summary = f"Neo4j at {uri} refused the user name or password"
        return Neo4jProblem(
            summary,
            f"{summary}: {clause(error.message or str(error))}. "
            "Check --username/--password (NEO4J_USERNAME/NEO4J_PASSWORD).",
            error,
        )
    except neo4j.exceptions.ClientError as error:
        if error.code and "DatabaseNotFound" in error.code:
            summary = f"Neo4j at {uri} has no database '{database}'"
            return Neo4jProblem(
                summary,
                f"{summary}. Check --database (NEO4J_DATABASE), or leave it unset for the server's default database.",
                error,
            )
        summary = f"Neo4j at {uri} refused the connection"
        return Neo4jProblem(summary, f"{summary}: {clause(error.message or str(error))}.", error)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, ValueError) as error:
        return Neo4jProblem(
            f"Neo4j at {uri} does not answer",
            f"Cannot reach Neo4j at {uri}: {clause(str(error))}. Start the server ('ckg neo4j start') or check "
            "--uri (NEO4J_URI); use --backend local for the embedded store.",
            error,
        )
    return None
