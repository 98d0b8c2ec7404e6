"""The settings of the managed Neo4j server: versions, defaults, folders and addresses."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from ceasefire_kg.errors import InvalidServerSetting

#: The Neo4j server release (5.26 is the LTS line that still runs on Java 17).
NEO4J_VERSION = "5.26.30"
#: Neo4j Browser, a client-side app served by the server at /browser/.
BROWSER_VERSION = "5.24.0"

HOST = "127.0.0.1"
USERNAME = "neo4j"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
# Sized for a small machine (2 cores, a few GB free) and small graphs.
DEFAULT_HEAP = "512m"
DEFAULT_PAGE_CACHE = "256m"
DEFAULT_START_TIMEOUT = 120.0
DEFAULT_STOP_TIMEOUT = 60.0

#: The environment variable naming the home folder when none is given.
HOME_ENV = "CKG_NEO4J_HOME"
PID_FILE_NAME = "ckg-neo4j.pid"
LIB_MARKER_NAME = ".ckg-lib.json"

_SIZE_RE = re.compile(r"^[0-9]+[A-Za-z]{0,3}$")


def default_home() -> Path:
    """Return the default home folder of the managed server.

    Returns:
        ``<user cache dir>/ceasefire-kg/neo4j-<version>``: jars are a cache that
        can be downloaded again, and the version in the name keeps releases apart.
    """
    return Path(platformdirs.user_cache_dir("ceasefire-kg")) / f"neo4j-{NEO4J_VERSION}"


class ServerAddresses:
    """The Bolt URI and the Neo4j Browser URL of a managed server, from its ``bolt_port`` and ``http_port``."""

    bolt_port: int
    http_port: int

    @property
    def bolt_uri(self) -> str:
        """Bolt URI for drivers, e.g. ``neo4j://127.0.0.1:7687``."""
        return bolt_uri(self.bolt_port)

    @property
    def browser_url(self) -> str:
        """Neo4j Browser URL, e.g. ``http://127.0.0.1:7474/browser/``."""
        return browser_url(self.http_port)


@dataclass(frozen=True)
class Neo4jSettings(ServerAddresses):
    """Everything that decides how the managed server is installed and run.

    Attributes:
        home: Folder holding jars, configuration, data, logs and the pid file.
        bolt_port: Bolt port on 127.0.0.1.
        http_port: HTTP port on 127.0.0.1 (Neo4j Browser is at ``/browser/``).
        heap: JVM heap (``-Xms``/``-Xmx``), e.g. ``512m``.
        page_cache: Neo4j page cache size, e.g. ``256m``.
        browser_post_connect_cmd: Neo4j Browser commands run after connecting,
            separated by ``;`` and written without the leading colon; None for none.
        neo4j_version: Neo4j release to download (tests inject unresolvable ones).
        browser_version: Neo4j Browser release to download.
        maven_settings: A Maven ``settings.xml`` passed with ``-s`` (mirrors,
            proxies, offline mode); None for Maven's defaults.
    """

    home: Path = field(default_factory=default_home)
    bolt_port: int = DEFAULT_BOLT_PORT
    http_port: int = DEFAULT_HTTP_PORT
    heap: str = DEFAULT_HEAP
    page_cache: str = DEFAULT_PAGE_CACHE
    browser_post_connect_cmd: str | None = None
    neo4j_version: str = NEO4J_VERSION
    browser_version: str = BROWSER_VERSION
    maven_settings: Path | None = None

    def __post_init__(self) -> None:
        # Normalise to an absolute path: the server resolves its folders from it
        # and the pid check compares it with the running process's command line.
        object.__setattr__(self, "home", Path(self.home).expanduser().absolute())
        for name, port in (("bolt port", self.bolt_port), ("HTTP port", self.http_port)):
            if not 1 <= port <= 65535:
                raise InvalidServerSetting(f"The {name} must be between 1 and 65535, not {port}.")
        if self.bolt_port == self.http_port:
            raise InvalidServerSetting(
                f"The Bolt and HTTP ports must differ; both are {self.bolt_port}. "
                "Choose another with --bolt-port / --http-port."
            )
        # Only the shape is checked here; Neo4j and the JVM judge the value and
        # their complaint ends up in the start error.
        for name, value in (("heap", self.heap), ("page cache", self.page_cache)):
            if not _SIZE_RE.match(value):
                raise InvalidServerSetting(f"The {name} size {value!r} is not a size such as 512m or 2g.")
        if self.browser_post_connect_cmd is not None and (
            "\n" in self.browser_post_connect_cmd or "\r" in self.browser_post_connect_cmd
        ):
            raise InvalidServerSetting("browser_post_connect_cmd must be a single line.")

    @classmethod
    def for_home(cls, home: Path | None = None, **overrides: Any) -> Neo4jSettings:
        """Settings for a home folder given by the user, else by CKG_NEO4J_HOME, else the default.

        Args:
            home: The home folder asked for (e.g. with ``--home``); None to use
                the ``CKG_NEO4J_HOME`` environment variable, or, when that is
                unset or empty, :func:`default_home`.
            **overrides: Other fields of the settings (ports, heap, ...).

        Returns:
            The settings.

        Raises:
            InvalidServerSetting: An override is out of range or malformed.
        """
        if home is None:
            from_environment = os.environ.get(HOME_ENV)
            home = Path(from_environment) if from_environment else default_home()
        return cls(home=home, **overrides)

    # Folders and files -------------------------------------------------------

    @property
    def lib_dir(self) -> Path:
        """Folder of the server's jars."""
        return self.home / "lib"

    @property
    def conf_dir(self) -> Path:
        """Folder of neo4j.conf."""
        return self.home / "conf"

    @property
    def conf_file(self) -> Path:
        """The server's configuration file (rewritten on every start)."""
        return self.conf_dir / "neo4j.conf"

    @property
    def data_dir(self) -> Path:
        """Folder of the databases; deleting it deletes every graph."""
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        """Folder of the server's logs."""
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        """Folder of pid files."""
        return self.home / "run"

    @property
    def plugins_dir(self) -> Path:
        """Folder of plugin jars (on the classpath)."""
        return self.home / "plugins"

    @property
    def import_dir(self) -> Path:
        """Folder ``LOAD CSV`` reads from."""
        return self.home / "import"

    @property
    def pid_file(self) -> Path:
        """Our pid file (Neo4j's own run/neo4j.pid is not used)."""
        return self.run_dir / PID_FILE_NAME

    @property
    def password_file(self) -> Path:
        """Where the password of user neo4j is kept (mode 0600)."""
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        """The server's stdout and stderr of the latest start."""
        return self.logs_dir / "console.log"

    @property
    def maven_log(self) -> Path:
        """Maven's output of the latest download."""
        return self.logs_dir / "maven.log"

    @property
    def pom_file(self) -> Path:
        """The Maven project that lists the jars to download."""
        return self.home / "pom.xml"

    @property
    def lib_marker(self) -> Path:
        """Records which versions and jars a complete lib/ holds."""
        return self.lib_dir / LIB_MARKER_NAME


def bolt_uri(port: int) -> str:
    """The Bolt URI of a managed server on ``port``."""
    return f"neo4j://{HOST}:{port}"


def browser_url(port: int) -> str:
    """The Neo4j Browser URL of a managed server whose HTTP port is ``port``."""
    return f"http://{HOST}:{port}/browser/"
