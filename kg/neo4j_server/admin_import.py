"""Neo4j's offline importer on the managed server: ``neo4j-admin database import full``.

The importer writes a database's store files straight from CSV files, much
faster than transactions can, but only while the server is stopped. This
module runs it with the jars ``ckg neo4j start`` assembled (the importer's
classes are part of them), tells whether a Bolt URI points at the managed
server, and recovers the settings the running server was started with, so
that it can be started again exactly as it was.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import subprocess
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ceasefire_kg.errors import Neo4jServerError
from ceasefire_kg.neo4j_server.configuration import configured_ports, read_config
from ceasefire_kg.neo4j_server.logs import last_lines
from ceasefire_kg.neo4j_server.process import running_pid
from ceasefire_kg.neo4j_server.settings import Neo4jSettings

logger = logging.getLogger(__name__)

#: Hosts that reach the managed server, which listens on 127.0.0.1 only.
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
#: A stage line of the importer: ``(1/4) Node import 2025-...``.
_STAGE_LINE = re.compile(r"^\((\d+)/(\d+)\) (.+?)(?: \d{4}-\d{2}-\d{2}.*)?$")
#: A progress line of the importer: ten groups of dots, then ``  45% ∆...``.
_PERCENT_LINE = re.compile(r"\s(\d{1,3})% ")

#: The admin commands themselves. ``neo4j-admin``'s launcher (``ADMIN_MAIN_CLASS``) only starts a
#: second JVM with this class: calling it directly saves that JVM's start, several seconds.
ADMIN_TOOL_CLASS = "org.neo4j.cli.AdminTool"

#: Called with (importer stage, percent done).
ImportProgress = Callable[[str, int], None]


class Neo4jImportFailed(Neo4jServerError):
    """``neo4j-admin database import full`` exited with an error."""


@dataclass(frozen=True)
class ImportInput:
    """The CSV files of one import.

    Attributes:
        folder: Where the files are; the importer runs there and gets names relative to it.
        nodes: Groups of node files, each a header file and its data file(s).
        relationships: Groups of relationship files, likewise.
        multiline: The data files whose quoted values may span lines.
        array_delimiter: The character between the elements of an array value.
    """

    folder: Path
    nodes: list[list[str]]
    relationships: list[list[str]]
    multiline: list[str]
    array_delimiter: str


def is_managed_uri(uri: str | None, settings: Neo4jSettings) -> bool:
    """Whether a Bolt URI reaches the managed server of ``settings``' home (by its configured Bolt port).

    Args:
        uri: The Bolt URI a command connects to.
        settings: The managed server's settings.
    """
    if not uri:
        return False
    try:
        parts = urllib.parse.urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    if parts.hostname not in _LOCAL_HOSTS:
        return False
    return port == configured_ports(settings)[0]


def running_settings(settings: Neo4jSettings) -> Neo4jSettings:
    """The settings the server of this home runs with: ports, memory and Browser command as it was started.

    ``ckg neo4j start`` writes neo4j.conf on every start and passes the heap on
    the JVM's command line; a restart with these settings changes nothing.

    Args:
        settings: Settings naming the home folder (other fields stand in for what cannot be read).
    """
    conf = read_config(settings)
    bolt_port, http_port = configured_ports(settings)
    heap = settings.heap
    pid = running_pid(settings)
    if pid is not None:
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            arguments = []
        for argument in arguments:
            if argument.startswith(b"-Xmx"):
                heap = argument[4:].decode()
    return dataclasses.replace(
        settings,
        bolt_port=bolt_port,
        http_port=http_port,
        heap=heap,
        page_cache=conf.get("server.memory.pagecache.size", settings.page_cache),
        browser_post_connect_cmd=conf.get("browser.post_connect_cmd"),
    )


def import_command(settings: Neo4jSettings, java: Path, database: str, files: ImportInput) -> list[str]:
    """The command line of ``neo4j-admin database import full`` that overwrites ``database`` with ``files``.

    Args:
        settings: The managed server's settings.
        java: The Java executable.
        database: The database to overwrite.
        files: The CSV files.
    """
    command = [
        str(java),
        "-cp",
        f"{settings.conf_dir}/*:{settings.lib_dir}/*",
        "-Dfile.encoding=UTF-8",
        ADMIN_TOOL_CLASS,
        "database",
        "import",
        "full",
        # The name first: the file options take every argument that follows them.
        database,
        "--overwrite-destination=true",
        f"--array-delimiter=U+{ord(files.array_delimiter):04X}",
        # A quoted "" is an empty string; an empty field is no property.
        "--ignore-empty-strings=false",
        "--trim-strings=false",
        "--skip-duplicate-nodes=false",
        "--skip-bad-relationships=false",
        "--bad-tolerance=0",
        f"--report-file={files.folder / 'import.report'}",
    ]
    if files.multiline:
        command += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(files.multiline)]
    command += [f"--nodes={','.join(group)}" for group in files.nodes]
    command += [f"--relationships={','.join(group)}" for group in files.relationships]
    return command


def import_full(
    settings: Neo4jSettings,
    java: Path,
    database: str,
    files: ImportInput,
    on_progress: ImportProgress | None = None,
) -> str:
    """Run ``neo4j-admin database import full``, overwriting ``database`` (the server must be stopped).

    Args:
        settings: The managed server's settings.
        java: The Java executable.
        database: The database to overwrite.
        files: The CSV files.
        on_progress: Called with each importer stage and how far it got (percent).

    Returns:
        The importer's summary (``IMPORT DONE in ...`` and the counts).

    Raises:
        Neo4jServerError: The server of this home is running.
        Neo4jImportFailed: The importer could not be run or exited with an error.
    """
    pid = running_pid(settings)
    if pid is not None:
        raise Neo4jServerError(f"Neo4j is running from {settings.home} (pid {pid}); the importer needs it stopped.")
    command = import_command(settings, java, database, files)
    logger.info("Running %s", " ".join(command))
    output: list[str] = []
    stage = "starting"
    try:
        with subprocess.Popen(
            command,
            cwd=files.folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # What the launcher would tell the admin tool: the home and its neo4j.conf.
            env={**os.environ, "NEO4J_HOME": str(settings.home), "NEO4J_CONF": str(settings.conf_dir)},
            # The store files it writes are for this user only, as the server's are.
            umask=0o077,
        ) as process:
            assert process.stdout is not None, "stdout is a pipe"
            for line in process.stdout:
                output.append(line)
                stage = _follow(line, stage, on_progress)
            code = process.wait()
    except OSError as error:
        raise Neo4jImportFailed(f"Could not run neo4j-admin database import full: {error}.") from error
    text = "".join(output)
    if code != 0:
        raise Neo4jImportFailed(
            f"neo4j-admin database import full exited with {code} while at '{stage}':\n{last_lines(text)}"
        )
    done = text.rfind("IMPORT DONE")
    return text[done:].strip() if done >= 0 else last_lines(text, 6)


def _follow(line: str, stage: str, on_progress: ImportProgress | None) -> str:
    """Follow the importer's output: its stage lines and its percentages."""
    found = _STAGE_LINE.match(line.strip())
    if found:
        stage = found.group(3).strip()
        if on_progress is not None:
            on_progress(stage, 0)
        return stage
    percent = _PERCENT_LINE.search(line)
    if percent and on_progress is not None and line.lstrip().startswith(("-", ".")):
        on_progress(stage, min(100, int(percent.group(1))))
    return stage
