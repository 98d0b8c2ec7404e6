"""The processes of the managed Neo4j server: ports, pid files, status, the server command and stopping."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from ceasefire_kg.errors import Neo4jServerError, PortInUse
from ceasefire_kg.neo4j_server.configuration import configured_ports
from ceasefire_kg.neo4j_server.settings import HOST, Neo4jSettings, ServerAddresses

logger = logging.getLogger(__name__)

SERVER_MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"

# The flags the 5.x distribution passes to the server JVM (verified to be enough
# here): Neo4j and Netty reach into java.nio internals, and Neo4j uses native access.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    # A server that ran out of memory is better dead (and reported) than limping.
    "-XX:+ExitOnOutOfMemoryError",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class ServerStatus(ServerAddresses):
    """What :func:`status` found.

    Attributes:
        running: Whether our server process for this home is alive.
        pid: Its process id, when running.
        home: The home folder.
        data_dir: The data folder.
        bolt_port: Bolt port (of the running server, else the configured one).
        http_port: HTTP port (likewise).
        accepting_connections: Whether the Bolt port accepts TCP connections.
    """

    running: bool
    pid: int | None
    home: Path
    data_dir: Path
    bolt_port: int
    http_port: int
    accepting_connections: bool = False


def port_in_use(port: int) -> bool:
    """Tell whether a port on 127.0.0.1 is taken.

    Args:
        port: TCP port.

    Returns:
        True when binding to it fails.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Like the server does; without it a just-stopped server's TIME_WAIT
        # connections would make a free port look taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return True
    return False


def check_ports_free(settings: Neo4jSettings) -> None:
    """Make sure the Bolt and HTTP ports are free.

    Args:
        settings: The server settings.

    Raises:
        PortInUse: A port is taken; the message names the option to change it.
    """
    for port, option, env in (
        (settings.bolt_port, "--bolt-port", "CKG_NEO4J_BOLT_PORT"),
        (settings.http_port, "--http-port", "CKG_NEO4J_HTTP_PORT"),
    ):
        if port_in_use(port):
            raise PortInUse(
                f"Port {port} on {HOST} is already in use by another program. "
                f"Stop it, or choose another port with {option} / {env}."
            )


def accepts_connections(port: int, timeout: float = 1.0) -> bool:
    """Tell whether something accepts TCP connections on a port of 127.0.0.1.

    Args:
        port: TCP port.
        timeout: Seconds to wait for the connection.

    Returns:
        True when a connection was made.
    """
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def _reap(pid: int) -> None:
    # A server started by this very process stays a zombie (and looks alive to
    # kill(pid, 0)) until it is waited for.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def pid_alive(pid: int) -> bool:
    """Tell whether a process lives (zombies do not count).

    Args:
        pid: Process id.

    Returns:
        True when the process exists and is no zombie.
    """
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    # The state follows the parenthesised command name; Z is a zombie.
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def _is_our_server(pid: int, settings: Neo4jSettings) -> bool:
    if not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        # No /proc (not Linux): trust the pid file.
        return True
    # Pids are reused: only a Neo4j JVM of this home is ours.
    wanted = f"--home-dir={settings.home}".encode()
    return SERVER_MAIN_CLASS.encode() in cmdline and wanted in cmdline


def _read_pid(settings: Neo4jSettings) -> int | None:
    try:
        return int(settings.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(settings: Neo4jSettings) -> int | None:
    """Return the pid of the server running from this home, if any.

    Args:
        settings: The server settings.

    Returns:
        The pid named by the pid file when it is a live Neo4j JVM of this home, else None.
    """
    pid = _read_pid(settings)
    if pid is not None and _is_our_server(pid, settings):
        return pid
    return None


def status(settings: Neo4jSettings) -> ServerStatus:
    """Report whether the server of this home is running, and where.

    Args:
        settings: The server settings.

    Returns:
        The status. Ports are those of the home's configuration (which the
        running server was started with, and the last start wrote), else
        those of ``settings``.
    """
    pid = running_pid(settings)
    bolt_port, http_port = configured_ports(settings)
    if pid is None:
        return ServerStatus(
            running=False,
            pid=None,
            home=settings.home,
            data_dir=settings.data_dir,
            bolt_port=bolt_port,
            http_port=http_port,
        )
    return ServerStatus(
        running=True,
        pid=pid,
        home=settings.home,
        data_dir=settings.data_dir,
        bolt_port=bolt_port,
        http_port=http_port,
        accepting_connections=accepts_connections(bolt_port),
    )


def server_command(settings: Neo4jSettings, java: Path) -> list[str]:
    """Return the command line that runs the server JVM in the foreground.

    Args:
        settings: The server settings.
        java: The Java executable.

    Returns:
        The argument list.
    """
    classpath = os.pathsep.join(f"{folder}/*" for folder in (settings.plugins_dir, settings.conf_dir, settings.lib_dir))
    return [
        str(java),
        "-cp",
        classpath,
        f"-Xms{settings.heap}",
        f"-Xmx{settings.heap}",
        *JVM_FLAGS,
        SERVER_MAIN_CLASS,
        f"--home-dir={settings.home}",
        f"--config-dir={settings.conf_dir}",
        # Sends the user log to stdout, so console.log has the whole story,
        # including why a start failed.
        "--console-mode",
    ]


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        # The server was started as the leader of its own session/group, so the
        # group id is its pid and the signal reaches every process it made.
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def terminate(pid: int, timeout: float) -> None:
    """Stop a server process and its children: SIGTERM, then SIGKILL after the timeout.

    Args:
        pid: Process id of the server.
        timeout: Seconds to wait for a clean exit.

    Raises:
        Neo4jServerError: The process survived SIGKILL.
    """
    _signal_group(pid, signal.SIGTERM)
    if _wait_for_exit(pid, timeout):
        return
    logger.warning("Neo4j (pid %s) did not stop within %s s; killing it", pid, timeout)
    _signal_group(pid, signal.SIGKILL)
    if not _wait_for_exit(pid, 10):
        raise Neo4jServerError(f"Could not stop Neo4j (pid {pid}), even with SIGKILL.")
