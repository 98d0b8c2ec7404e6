"""Starting, stopping and resetting the managed Neo4j server."""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire_kg.errors import Neo4jServerError, ServerDiedDuringStart, ServerStartTimedOut, WrongPassword
from ceasefire_kg.neo4j_server.configuration import (
    check_password,
    is_initialised,
    set_initial_password,
    store_password,
    stored_password,
    write_config,
)
from ceasefire_kg.neo4j_server.install import check_java, install
from ceasefire_kg.neo4j_server.logs import log_tail
from ceasefire_kg.neo4j_server.process import (
    ServerStatus,
    accepts_connections,
    check_ports_free,
    pid_alive,
    running_pid,
    server_command,
    status,
    terminate,
)
from ceasefire_kg.neo4j_server.settings import (
    DEFAULT_DATABASE,
    DEFAULT_START_TIMEOUT,
    DEFAULT_STOP_TIMEOUT,
    HOST,
    USERNAME,
    Neo4jSettings,
)
from ceasefire_kg.progress import ProgressCallback, log_progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartResult:
    """What :func:`start` did.

    Attributes:
        status: The running server.
        already_running: True when the server was running before the call.
        password: The password of user neo4j, when known.
        password_generated: True when ckg generated the password and this is the
            first successful start with it: show it to the user this once (it is
            also kept in the home folder's password file).
    """

    status: ServerStatus
    already_running: bool
    password: str | None = field(default=None, repr=False)
    password_generated: bool = False


def _probe_bolt(bolt_port: int, password: str) -> None:
    """Connect over Bolt and run ``RETURN 1``; raises the driver's errors."""
    # Imported here: the driver is only needed to start a server, and importing
    # it lazily keeps `ckg --help` and unrelated commands quick.
    from ceasefire_kg.neo4j_client import probe

    # Direct bolt:// rather than neo4j://: while the databases are still starting,
    # the routing driver logs an ERROR per failed routing-table fetch.
    uri = f"bolt://{HOST}:{bolt_port}"
    if not probe(uri, USERNAME, password, DEFAULT_DATABASE, timeout=5.0):
        raise Neo4jServerError(f"Neo4j at {uri} answered RETURN 1 oddly.")


def _wrong_password(settings: Neo4jSettings, source: str) -> WrongPassword:
    return WrongPassword(
        f"Neo4j refused the password (from {source}) for user '{USERNAME}': its data "
        f"folder {settings.data_dir} was initialised with another password. Start "
        "again with that password (--password / NEO4J_PASSWORD), or delete the data "
        f"folder and every graph in it with `ckg neo4j reset --home {settings.home}` "
        "and start afresh."
    )


def _wait_until_ready(
    settings: Neo4jSettings,
    *,
    pid: int,
    process: subprocess.Popen[bytes] | None,
    bolt_port: int,
    password: str | None,
    password_source: str,
    timeout: float,
) -> None:
    import neo4j.exceptions

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        exited = process.poll() if process is not None else None
        if exited is not None or (process is None and not pid_alive(pid)):
            code = f" (exit code {exited})" if exited is not None else ""
            raise ServerDiedDuringStart(
                f"Neo4j exited while starting{code}. Last lines of "
                f"{settings.console_log}:\n{log_tail(settings.console_log)}\n"
                "Fix the cause shown above and run `ckg neo4j start` again."
            )
        if password is None:
            # Unknown password (a server someone else started): the open Bolt
            # port is the best sign of life available.
            if accepts_connections(bolt_port):
                return
        elif accepts_connections(bolt_port):
            # Only once the port is open: before that the driver has nothing to say.
            try:
                _probe_bolt(bolt_port, password)
                return
            except neo4j.exceptions.AuthError as error:
                raise _wrong_password(settings, password_source) from error
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as error:
                # Not up yet (port closed, databases still starting): try again.
                last_error = error
        if time.monotonic() >= deadline:
            detail = "its Bolt port never opened" if last_error is None else f"last error: {last_error}"
            raise ServerStartTimedOut(
                f"Neo4j did not answer on bolt://{HOST}:{bolt_port} within "
                f"{timeout:g} s ({detail}){'; it was stopped' if process else ''}. "
                "Last lines of "
                f"{settings.console_log}:\n{log_tail(settings.console_log)}\n"
                "Try again with a longer --timeout, or look into the log."
            )
        time.sleep(0.5)


def start(
    settings: Neo4jSettings,
    password: str | None = None,
    *,
    timeout: float = DEFAULT_START_TIMEOUT,
    on_progress: ProgressCallback | None = None,
) -> StartResult:
    """Start the server in the background and wait until Bolt answers.

    If the server of this home already runs, nothing is started.

    Args:
        settings: The server settings.
        password: Password of user neo4j; None uses the stored one, or generates
            one on the first start.
        timeout: Seconds to wait for Bolt to answer.
        on_progress: Called with short human-readable progress messages.

    Returns:
        The running server and its password.

    Raises:
        InvalidServerSetting: Password too short.
        PortInUse: A port is taken by another program.
        JavaNotFound: Java is missing or older than 17.
        MavenNotFound: The jars must be downloaded but Maven is missing.
        MavenResolveFailed: The download failed.
        ServerDiedDuringStart: The server exited while starting.
        ServerStartTimedOut: The server did not answer in time (it is stopped).
        WrongPassword: The data folder was initialised with another password
            (the server is stopped again).
    """
    progress = on_progress or log_progress
    explicit = password is not None
    if password is not None:
        check_password(password)
        source = "--password / NEO4J_PASSWORD"
    else:
        password = stored_password(settings)
        source = str(settings.password_file)

    pid = running_pid(settings)
    if pid is not None:
        current = status(settings)
        progress(f"Neo4j is already running from {settings.home} (pid {pid}).")
        _wait_until_ready(
            settings,
            pid=pid,
            process=None,
            bolt_port=current.bolt_port,
            password=password,
            password_source=source,
            timeout=timeout,
        )
        return StartResult(status=status(settings), already_running=True, password=password)

    check_ports_free(settings)
    java = check_java()
    install(settings, progress)
    for folder in (
        settings.data_dir,
        settings.logs_dir,
        settings.plugins_dir,
        settings.import_dir,
        settings.run_dir,
    ):
        folder.mkdir(parents=True, exist_ok=True)
    # The data folder holds the password hash (dbms/auth.ini) and every graph: for this user only,
    # also when an earlier version of ckg created it readable by all.
    settings.data_dir.chmod(0o700)
    write_config(settings)

    was_initialised = is_initialised(settings)
    # Show the password once: on the first successful start with a password ckg
    # generated (now, or in an earlier attempt that failed).
    generated = not explicit and not was_initialised
    if password is None and was_initialised:
        # Generating one would only be refused: the data folder has its own.
        raise WrongPassword(
            f"The data folder {settings.data_dir} was initialised with a password "
            f"that is not known here ({settings.password_file} is missing). Start "
            "again with that password (--password / NEO4J_PASSWORD), or delete the "
            f"data folder and every graph in it with `ckg neo4j reset --home "
            f"{settings.home}` and start afresh."
        )
    if password is None:
        password = secrets.token_urlsafe(18)
        source = "a newly generated password"
        # Kept before anything else can fail, so it is never lost.
        store_password(settings, password)
    if not was_initialised:
        # Also redone after a first start that failed before creating the system
        # database: the password wanted now is the one that counts.
        progress("Setting the initial password of user neo4j...")
        set_initial_password(settings, java.executable, password)
        store_password(settings, password)

    # Neo4j's own pid file from an unclean stop would only confuse its tools.
    (settings.run_dir / "neo4j.pid").unlink(missing_ok=True)
    command = server_command(settings, java.executable)
    logger.info("Starting %s", " ".join(command))
    progress(f"Starting Neo4j {settings.neo4j_version} and waiting for it to answer on {settings.bolt_uri}...")
    with open(settings.console_log, "wb") as console:
        process = subprocess.Popen(
            command,
            cwd=settings.home,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in the terminal or the end of this process
            # does not reach the server, and stop can signal the whole group.
            start_new_session=True,
            # What the server creates (stores, transaction logs, auth.ini) is for this user only.
            umask=0o077,
        )
    settings.pid_file.write_text(f"{process.pid}\n")
    started_at = time.monotonic()
    try:
        _wait_until_ready(
            settings,
            pid=process.pid,
            process=process,
            bolt_port=settings.bolt_port,
            password=password,
            password_source=source,
            timeout=timeout,
        )
    except BaseException:
        # A failed (or interrupted) start leaves nothing running behind.
        if process.poll() is None:
            terminate(process.pid, DEFAULT_STOP_TIMEOUT)
        process.wait()
        settings.pid_file.unlink(missing_ok=True)
        raise
    logger.info("Neo4j answered after %.1f s", time.monotonic() - started_at)
    if stored_password(settings) != password:
        store_password(settings, password)
    return StartResult(
        status=status(settings),
        already_running=False,
        password=password,
        password_generated=generated,
    )


def stop(
    settings: Neo4jSettings,
    *,
    timeout: float = DEFAULT_STOP_TIMEOUT,
    on_progress: ProgressCallback | None = None,
) -> int | None:
    """Stop the server of this home: SIGTERM, then SIGKILL after the timeout.

    Args:
        settings: The server settings.
        timeout: Seconds to wait for a clean shutdown.
        on_progress: Called with short human-readable progress messages.

    Returns:
        The pid of the stopped server, or None when it was not running.

    Raises:
        Neo4jServerError: The process survived SIGKILL.
    """
    progress = on_progress or log_progress
    pid = running_pid(settings)
    if pid is None:
        # A pid file of a dead or foreign process is stale.
        settings.pid_file.unlink(missing_ok=True)
        return None
    progress(f"Stopping Neo4j (pid {pid})...")
    terminate(pid, timeout)
    settings.pid_file.unlink(missing_ok=True)
    return pid


def reset(settings: Neo4jSettings) -> list[Path]:
    """Delete the data folder (every graph) and the stored password.

    Args:
        settings: The server settings.

    Returns:
        The paths that were deleted.

    Raises:
        Neo4jServerError: The server is running.
    """
    pid = running_pid(settings)
    if pid is not None:
        raise Neo4jServerError(
            f"Neo4j is running from {settings.home} (pid {pid}); stop it first with "
            f"`ckg neo4j stop --home {settings.home}`."
        )
    removed: list[Path] = []
    if settings.data_dir.exists():
        shutil.rmtree(settings.data_dir)
        removed.append(settings.data_dir)
    if settings.password_file.exists():
        settings.password_file.unlink()
        removed.append(settings.password_file)
    return removed
