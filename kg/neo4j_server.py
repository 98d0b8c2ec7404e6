"""A managed local Neo4j Community server with Neo4j Browser, assembled from Maven Central.

Neo4j publishes every jar of its Community server (and of Neo4j Browser) to Maven
Central, so the server is put together from there: Maven copies the jars into
``<home>/lib`` once, and every later start runs offline from that folder. The
server JVM is launched directly (no launcher script, no second JVM), detached
from the calling process, and found again through a pid file.

Folder layout under the home folder::

    pom.xml            what Maven resolves (Neo4j + Neo4j Browser)
    lib/               the jars, with a marker file recording what was copied
    conf/neo4j.conf    written on every start from :class:`Neo4jSettings`
    data/ logs/ plugins/ import/ run/
    password           the password of user ``neo4j`` (mode 0600)

The functions here never print and never exit: they report progress through an
optional callback and raise :class:`ceasefire_kg.errors.Neo4jServerError`
subclasses whose messages say what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ceasefire_kg.errors import (
    InvalidServerSetting,
    JavaNotFound,
    MavenNotFound,
    MavenResolveFailed,
    Neo4jServerError,
    PortInUse,
    ServerDiedDuringStart,
    ServerStartTimedOut,
    WrongPassword,
)

logger = logging.getLogger(__name__)

#: The Neo4j server release (5.26 is the LTS line that still runs on Java 17).
NEO4J_VERSION = "5.26.30"
#: Neo4j Browser, a client-side app served by the server at /browser/.
BROWSER_VERSION = "5.24.0"
#: Named in full when Maven is run, so that the download does not depend on
#: Maven's built-in default plugin version (2.8 in Maven 3.8).
MAVEN_COPY_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
MIN_JAVA_MAJOR = 17

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
MIN_PASSWORD_LENGTH = 8  # Neo4j's own minimum (dbms.security.auth_minimum_password_length)
LOG_TAIL_LINES = 20

PID_FILE_NAME = "ckg-neo4j.pid"
LIB_MARKER_NAME = ".ckg-lib.json"
SERVER_MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_MAIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"

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

ProgressCallback = Callable[[str], None]

_SIZE_RE = re.compile(r"^[0-9]+[A-Za-z]{0,3}$")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Maven's generic advice after every failure; the lines before it say what failed.
_MAVEN_BOILERPLATE_RE = re.compile(r"full stack trace|Re-run Maven|For more information|\[Help \d+\] http")


def default_home() -> Path:
    """Return the default home folder of the managed server.

    Returns:
        ``<user cache dir>/ceasefire-kg/neo4j-<version>``: jars are a cache that
        can be downloaded again, and the version in the name keeps releases apart.
    """
    return Path(platformdirs.user_cache_dir("ceasefire-kg")) / f"neo4j-{NEO4J_VERSION}"


@dataclass(frozen=True)
class Neo4jSettings:
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

    # Addresses ---------------------------------------------------------------

    @property
    def bolt_uri(self) -> str:
        """Bolt URI for drivers, e.g. ``neo4j://127.0.0.1:7687``."""
        return bolt_uri(self.bolt_port)

    @property
    def browser_url(self) -> str:
        """Neo4j Browser URL, e.g. ``http://127.0.0.1:7474/browser/``."""
        return browser_url(self.http_port)


def bolt_uri(port: int) -> str:
    """The Bolt URI of a managed server on ``port``."""
    return f"neo4j://{HOST}:{port}"


def browser_url(port: int) -> str:
    """The Neo4j Browser URL of a managed server whose HTTP port is ``port``."""
    return f"http://{HOST}:{port}/browser/"


@dataclass(frozen=True)
class ServerStatus:
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

    @property
    def bolt_uri(self) -> str:
        """Bolt URI for drivers."""
        return bolt_uri(self.bolt_port)

    @property
    def browser_url(self) -> str:
        """Neo4j Browser URL."""
        return browser_url(self.http_port)


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


@dataclass(frozen=True)
class JavaRuntime:
    """A Java runtime that :func:`check_java` accepted."""

    executable: Path
    major: int
    version_line: str


# --- Java and Maven -------------------------------------------------------------


def _java_install_hint() -> str:
    return (
        f"Install Java {MIN_JAVA_MAJOR} or newer (e.g. `sudo apt-get install "
        f"openjdk-{MIN_JAVA_MAJOR}-jre-headless`) and put its `java` on PATH, "
        "or set JAVA_HOME to its folder."
    )


def find_java() -> Path:
    """Find the ``java`` executable the way Maven does: JAVA_HOME first, then PATH.

    Returns:
        Path of the executable.

    Raises:
        JavaNotFound: JAVA_HOME points nowhere useful, or there is no java on PATH.
    """
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            raise JavaNotFound(
                f"JAVA_HOME is set to {java_home}, but {candidate} does not exist "
                f"or is not executable. Point JAVA_HOME at a Java {MIN_JAVA_MAJOR} "
                "(or newer) installation, or unset it to use `java` from PATH."
            )
        return candidate
    found = shutil.which("java")
    if found is None:
        raise JavaNotFound(
            "Java was not found: JAVA_HOME is not set and there is no `java` on PATH. "
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA_MAJOR} or newer. " + _java_install_hint()
        )
    return Path(found)


def parse_java_major(version_output: str) -> tuple[int, str] | None:
    """Read the major version from ``java -version`` output.

    Args:
        version_output: What ``java -version`` printed (it prints to stderr).

    Returns:
        ``(major, line)`` where line is the line naming the version, or None
        when the output names no version.
    """
    for line in version_output.splitlines():
        match = re.search(r'version "([0-9]+)(?:\.([0-9]+))?[^"]*"', line)
        if match:
            major = int(match.group(1))
            # Java 8 and older call themselves "1.8.0_x".
            if major == 1 and match.group(2):
                major = int(match.group(2))
            return major, line.strip()
    return None


def check_java() -> JavaRuntime:
    """Find Java and make sure it is new enough for Neo4j.

    Returns:
        The accepted runtime.

    Raises:
        JavaNotFound: No Java, an unreadable version, or one older than 17.
    """
    java = find_java()
    try:
        completed = subprocess.run(
            [str(java), "-version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise JavaNotFound(f"Could not run {java} -version ({error}). " + _java_install_hint()) from error
    output = (completed.stderr or "") + (completed.stdout or "")
    parsed = parse_java_major(output)
    if completed.returncode != 0 or parsed is None:
        shown = output.strip() or "(nothing)"
        raise JavaNotFound(
            f"Could not tell which Java version {java} is: `java -version` "
            f"exited with {completed.returncode} and printed: {shown}. " + _java_install_hint()
        )
    major, line = parsed
    if major < MIN_JAVA_MAJOR:
        raise JavaNotFound(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA_MAJOR} or newer, but {java} "
            f"is Java {major} ({line}). " + _java_install_hint()
        )
    logger.debug("Using %s (%s)", java, line)
    return JavaRuntime(executable=java, major=major, version_line=line)


def find_maven(settings: Neo4jSettings) -> Path:
    """Find ``mvn`` on PATH.

    Args:
        settings: Used for the folder named in the error message.

    Returns:
        Path of the executable.

    Raises:
        MavenNotFound: There is no mvn on PATH.
    """
    found = shutil.which("mvn")
    if found is None:
        raise MavenNotFound(
            f"Maven (`mvn`) is needed once to download Neo4j {settings.neo4j_version} "
            f"into {settings.lib_dir}, but it is not on PATH. Install it "
            "(e.g. `sudo apt-get install maven`) and run `ckg neo4j start` again."
        )
    return Path(found)


# --- Installing the jars --------------------------------------------------------


def pom_xml(settings: Neo4jSettings) -> str:
    """Return the Maven project whose runtime dependencies are the server's jars.

    Args:
        settings: Supplies the Neo4j and Neo4j Browser versions.

    Returns:
        The pom.xml text.
    """
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by ceasefire-kg: the jars of a local Neo4j server, copied into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.ceasefire-kg</groupId>
  <artifactId>neo4j-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{settings.neo4j_version}</version>
    </dependency>
    <dependency>
      <groupId>org.neo4j.client</groupId>
      <artifactId>neo4j-browser</artifactId>
      <version>{settings.browser_version}</version>
    </dependency>
  </dependencies>
</project>
"""


def lib_is_complete(settings: Neo4jSettings) -> bool:
    """Tell whether lib/ holds every jar of the configured versions.

    Args:
        settings: The server settings.

    Returns:
        True when the marker names the configured versions and all its jars exist.
    """
    try:
        marker = json.loads(settings.lib_marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict):
        return False
    if (marker.get("neo4j"), marker.get("browser")) != (
        settings.neo4j_version,
        settings.browser_version,
    ):
        return False
    jars = marker.get("jars")
    if not isinstance(jars, list) or not jars:
        return False
    return all((settings.lib_dir / str(name)).is_file() for name in jars)


def install(settings: Neo4jSettings, on_progress: ProgressCallback | None = None) -> bool:
    """Make sure lib/ holds the server's jars, downloading them with Maven if not.

    Nothing runs (and no network is used) when lib/ is already complete. Otherwise
    lib/ is wiped first, so that jars of two Neo4j versions never mix.

    Args:
        settings: The server settings.
        on_progress: Called with short human-readable progress messages.

    Returns:
        True when jars were downloaded, False when lib/ was already complete.

    Raises:
        MavenNotFound: Maven is needed but not installed.
        MavenResolveFailed: Maven failed; the message ends with its last lines.
    """
    progress = on_progress or _no_progress
    if lib_is_complete(settings):
        return False
    mvn = find_maven(settings)
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    settings.pom_file.write_text(pom_xml(settings), encoding="utf-8")
    if settings.lib_dir.is_symlink() or settings.lib_dir.is_file():
        settings.lib_dir.unlink()
    elif settings.lib_dir.exists():
        shutil.rmtree(settings.lib_dir)
    command = [
        str(mvn),
        "-B",
        "-Dstyle.color=never",
        "-f",
        str(settings.pom_file),
    ]
    if settings.maven_settings is not None:
        command += ["-s", str(settings.maven_settings)]
    command += [
        MAVEN_COPY_GOAL,
        "-DincludeScope=runtime",
        f"-DoutputDirectory={settings.lib_dir}",
    ]
    progress(
        f"Downloading Neo4j {settings.neo4j_version} and Neo4j Browser "
        f"{settings.browser_version} from Maven Central into {settings.lib_dir} "
        "(about 140 MB, first start only)..."
    )
    logger.info("Running %s", " ".join(command))
    tail: deque[str] = deque(maxlen=200)
    downloads = 0
    with open(settings.maven_log, "w", encoding="utf-8") as log:
        try:
            process = subprocess.Popen(
                command,
                cwd=settings.home,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
        except OSError as error:
            raise MavenResolveFailed(f"Could not run {mvn}: {error}.") from error
        assert process.stdout is not None
        for line in process.stdout:
            line = _ANSI_RE.sub("", line)
            log.write(line)
            line = line.rstrip()
            logger.debug("mvn: %s", line)
            tail.append(line)
            if line.startswith("Downloaded from"):
                downloads += 1
                # Enough to show that a slow first download is moving along.
                if downloads % 50 == 0:
                    progress(f"Maven: {downloads} files downloaded so far...")
        returncode = process.wait()
    if returncode != 0:
        raise MavenResolveFailed(
            f"Maven could not download Neo4j {settings.neo4j_version} and Neo4j Browser "
            f"{settings.browser_version} into {settings.lib_dir} (mvn exited with "
            f"{returncode}). Check the connection to Maven Central "
            "(https://repo.maven.apache.org) and any proxy or mirror in your Maven "
            f"settings, then run `ckg neo4j start` again. Full output: "
            f"{settings.maven_log}. Maven said:\n" + _maven_errors(list(tail))
        )
    jars = sorted(p.name for p in settings.lib_dir.glob("*.jar"))
    if not jars:
        raise MavenResolveFailed(
            f"Maven finished but copied no jars into {settings.lib_dir}. See {settings.maven_log}."
        )
    # Written last: an interrupted download leaves no marker and is redone.
    settings.lib_marker.write_text(
        json.dumps(
            {
                "neo4j": settings.neo4j_version,
                "browser": settings.browser_version,
                "jars": jars,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    progress(f"Downloaded {len(jars)} jars.")
    return True


# --- Configuration and password --------------------------------------------------


def config_entries(settings: Neo4jSettings) -> list[tuple[str, str]]:
    """Return the neo4j.conf entries for the settings, in file order.

    Args:
        settings: The server settings.

    Returns:
        ``(key, value)`` pairs; every key is a Neo4j 5.x setting.
    """
    entries = [
        # Relative folders resolve against the home folder.
        ("server.directories.data", "data"),
        ("server.directories.logs", "logs"),
        ("server.directories.plugins", "plugins"),
        ("server.directories.import", "import"),
        ("server.directories.run", "run"),
        # Neo4j aborts on unknown or repeated keys instead of ignoring typos.
        ("server.config.strict_validation.enabled", "true"),
        # Reachable from this machine only.
        ("server.default_listen_address", HOST),
        # Routing tables would otherwise name "localhost", which may resolve to ::1.
        ("server.default_advertised_address", HOST),
        ("server.bolt.listen_address", f"{HOST}:{settings.bolt_port}"),
        ("server.http.listen_address", f"{HOST}:{settings.http_port}"),
        ("server.https.enabled", "false"),
        ("dbms.security.auth_enabled", "true"),
        ("server.memory.pagecache.size", settings.page_cache),
        ("dbms.usage_report.enabled", "false"),
        ("client.allow_telemetry", "false"),
        # Otherwise every database reserves a 256 MB transaction log up front.
        ("db.tx_log.preallocate", "false"),
        # 5.x spells it "whitelist"; "allowlist" aborts the start.
        ("browser.remote_content_hostname_whitelist", "localhost,127.0.0.1"),
        # Netty waits a 5 s quiet period per Bolt event loop group on shutdown
        # (10 s in all); a local server has nothing to drain, so stop at once.
        ("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0"),
    ]
    if settings.browser_post_connect_cmd is not None:
        entries.append(("browser.post_connect_cmd", settings.browser_post_connect_cmd))
    return entries


def render_config(settings: Neo4jSettings) -> str:
    """Render neo4j.conf, refusing repeated keys (Neo4j would refuse to start).

    Args:
        settings: The server settings.

    Returns:
        The file text.

    Raises:
        InvalidServerSetting: A key appears twice or a value spans lines.
    """
    seen: set[str] = set()
    lines = [
        "# Written by ceasefire-kg (`ckg neo4j start`) on every start: edits are lost.",
    ]
    for key, value in config_entries(settings):
        if key in seen:
            raise InvalidServerSetting(f"neo4j.conf would set {key} twice.")
        if "\n" in value or "\r" in value:
            raise InvalidServerSetting(f"The value of {key} must be a single line.")
        seen.add(key)
        lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def write_config(settings: Neo4jSettings) -> Path:
    """Write ``<home>/conf/neo4j.conf``.

    Args:
        settings: The server settings.

    Returns:
        Path of the written file.
    """
    settings.conf_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(settings.conf_file, render_config(settings))
    return settings.conf_file


def read_config(settings: Neo4jSettings) -> dict[str, str]:
    """Read ``key=value`` entries of the home's neo4j.conf (empty if missing).

    Args:
        settings: The server settings.

    Returns:
        The entries.
    """
    entries: dict[str, str] = {}
    try:
        text = settings.conf_file.read_text(encoding="utf-8")
    except OSError:
        return entries
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            entries[key.strip()] = value.strip()
    return entries


def check_password(password: str) -> None:
    """Reject passwords Neo4j would reject.

    Args:
        password: The candidate password.

    Raises:
        InvalidServerSetting: Shorter than 8 characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidServerSetting(
            f"The Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters; "
            f"the one given has {len(password)}. Choose a longer one "
            "(--password / NEO4J_PASSWORD)."
        )


def stored_password(settings: Neo4jSettings) -> str | None:
    """Return the password kept in the home folder, if any.

    Args:
        settings: The server settings.

    Returns:
        The password, or None when no password file exists.
    """
    try:
        text = settings.password_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def store_password(settings: Neo4jSettings, password: str) -> None:
    """Keep the password in ``<home>/password``, readable by the owner only.

    Args:
        settings: The server settings.
        password: The password to keep.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    # Create with 0600 from the start so the secret is never world-readable.
    tmp = settings.password_file.with_name(settings.password_file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, settings.password_file)


def is_initialised(settings: Neo4jSettings) -> bool:
    """Tell whether the server has created its system database in data/.

    Once it has, the initial password is fixed and set-initial-password is ignored.

    Args:
        settings: The server settings.

    Returns:
        True when ``data/databases/system`` exists.
    """
    return (settings.data_dir / "databases" / "system").exists()


def set_initial_password(settings: Neo4jSettings, java: Path, password: str) -> None:
    """Run ``neo4j-admin dbms set-initial-password`` (before the first start only).

    Args:
        settings: The server settings (conf must already be written).
        java: The Java executable.
        password: The password for user neo4j.

    Raises:
        Neo4jServerError: The admin command failed.
    """
    command = [
        str(java),
        "-cp",
        f"{settings.lib_dir}/*",
        f"-Dbasedir={settings.home}",
        ADMIN_MAIN_CLASS,
        "dbms",
        "set-initial-password",
        # Ends the options: a password may start with "-" (token_urlsafe's may).
        "--",
        password,
    ]
    try:
        completed = subprocess.run(
            command,
            cwd=settings.home,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Neo4jServerError(f"Could not set the initial Neo4j password: {error}.") from error
    if completed.returncode != 0:
        output = (completed.stderr.strip() or completed.stdout).strip()
        raise Neo4jServerError(
            "Could not set the initial Neo4j password (neo4j-admin exited with "
            f"{completed.returncode}):\n{_last_lines(output)}"
        )


# --- Processes and ports ----------------------------------------------------------


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


def _accepts_connections(port: int, timeout: float = 1.0) -> bool:
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


def _pid_alive(pid: int) -> bool:
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
    if not _pid_alive(pid):
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


def _running_pid(settings: Neo4jSettings) -> int | None:
    pid = _read_pid(settings)
    if pid is not None and _is_our_server(pid, settings):
        return pid
    return None


def _ports_from_config(settings: Neo4jSettings) -> tuple[int, int]:
    conf = read_config(settings)

    def port_of(key: str, default: int) -> int:
        try:
            return int(conf[key].rsplit(":", 1)[1])
        except (KeyError, IndexError, ValueError):
            return default

    return (
        port_of("server.bolt.listen_address", settings.bolt_port),
        port_of("server.http.listen_address", settings.http_port),
    )


def status(settings: Neo4jSettings) -> ServerStatus:
    """Report whether the server of this home is running, and where.

    Args:
        settings: The server settings.

    Returns:
        The status. Ports are those of the home's configuration (which the
        running server was started with, and the last start wrote), else
        those of ``settings``.
    """
    pid = _running_pid(settings)
    bolt_port, http_port = _ports_from_config(settings)
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
        accepting_connections=_accepts_connections(bolt_port),
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


def _last_lines(text: str, count: int = LOG_TAIL_LINES) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def _log_tail(path: Path, count: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log written)"
    return _last_lines(text, count) or "(the log is empty)"


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
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _terminate(pid: int, timeout: float) -> None:
    _signal_group(pid, signal.SIGTERM)
    if _wait_for_exit(pid, timeout):
        return
    logger.warning("Neo4j (pid %s) did not stop within %s s; killing it", pid, timeout)
    _signal_group(pid, signal.SIGKILL)
    if not _wait_for_exit(pid, 10):
        raise Neo4jServerError(f"Could not stop Neo4j (pid {pid}), even with SIGKILL.")


# --- Start, stop, reset -------------------------------------------------------------


def _probe_bolt(bolt_port: int, password: str) -> None:
    """Connect over Bolt and run ``RETURN 1``; raises the driver's errors."""
    # Imported here: the driver is only needed to start a server, and importing
    # it lazily keeps `ckg --help` and unrelated commands quick.
    import neo4j

    # Direct bolt:// rather than neo4j://: while the databases are still starting,
    # the routing driver logs an ERROR per failed routing-table fetch.
    uri = f"bolt://{HOST}:{bolt_port}"
    with neo4j.GraphDatabase.driver(uri, auth=(USERNAME, password), connection_timeout=5.0) as driver:
        driver.verify_connectivity()
        # A plain session run is not retried, unlike execute_query.
        with driver.session(database=DEFAULT_DATABASE) as session:
            record = session.run("RETURN 1 AS ok").single()
            if record is None or record["ok"] != 1:
                raise Neo4jServerError(f"Neo4j at {uri} answered RETURN 1 oddly: {record!r}.")


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
        if exited is not None or (process is None and not _pid_alive(pid)):
            code = f" (exit code {exited})" if exited is not None else ""
            raise ServerDiedDuringStart(
                f"Neo4j exited while starting{code}. Last lines of "
                f"{settings.console_log}:\n{_log_tail(settings.console_log)}\n"
                "Fix the cause shown above and run `ckg neo4j start` again."
            )
        if password is None:
            # Unknown password (a server someone else started): the open Bolt
            # port is the best sign of life available.
            if _accepts_connections(bolt_port):
                return
        elif _accepts_connections(bolt_port):
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
                f"{settings.console_log}:\n{_log_tail(settings.console_log)}\n"
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
    progress = on_progress or _no_progress
    explicit = password is not None
    if password is not None:
        check_password(password)
        source = "--password / NEO4J_PASSWORD"
    else:
        password = stored_password(settings)
        source = str(settings.password_file)

    pid = _running_pid(settings)
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
            _terminate(process.pid, DEFAULT_STOP_TIMEOUT)
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
    progress = on_progress or _no_progress
    pid = _running_pid(settings)
    if pid is None:
        # A pid file of a dead or foreign process is stale.
        settings.pid_file.unlink(missing_ok=True)
        return None
    progress(f"Stopping Neo4j (pid {pid})...")
    _terminate(pid, timeout)
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
    pid = _running_pid(settings)
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


# --- Helpers -------------------------------------------------------------------------


def _maven_errors(lines: list[str]) -> str:
    errors = [
        line
        for line in lines
        if line.startswith("[ERROR]") and line[len("[ERROR]") :].strip() and not _MAVEN_BOILERPLATE_RE.search(line)
    ]
    return "\n".join((errors or [line for line in lines if line.strip()])[-LOG_TAIL_LINES:])


def _no_progress(message: str) -> None:
    logger.debug("%s", message)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
