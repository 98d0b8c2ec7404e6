"""Installing the managed Neo4j server: finding Java and Maven, and copying the jars into lib/."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ceasefire_kg.errors import JavaNotFound, MavenNotFound, MavenResolveFailed
from ceasefire_kg.neo4j_server.logs import LOG_TAIL_LINES
from ceasefire_kg.neo4j_server.settings import NEO4J_VERSION, Neo4jSettings
from ceasefire_kg.progress import ProgressCallback, log_progress

logger = logging.getLogger(__name__)

#: Named in full when Maven is run, so that the download does not depend on
#: Maven's built-in default plugin version (2.8 in Maven 3.8).
MAVEN_COPY_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
MIN_JAVA_MAJOR = 17

_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Maven's generic advice after every failure; the lines before it say what failed.
_MAVEN_BOILERPLATE_RE = re.compile(r"full stack trace|Re-run Maven|For more information|\[Help \d+\] http")


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
    progress = on_progress or log_progress
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


def _maven_errors(lines: list[str]) -> str:
    errors = [
        line
        for line in lines
        if line.startswith("[ERROR]") and line[len("[ERROR]") :].strip() and not _MAVEN_BOILERPLATE_RE.search(line)
    ]
    return "\n".join((errors or [line for line in lines if line.strip()])[-LOG_TAIL_LINES:])
