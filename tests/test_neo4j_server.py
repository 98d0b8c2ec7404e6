"""Tests of ceasefire_kg.neo4j_server and `ckg neo4j`, against a real server.

Neo4j start-ups are few on purpose (each costs ~10 s): the session's managed
server (see conftest.py) serves the round trip, and the one destructive test
(stop, wrong password, restart) leaves it running again.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner, Result

from ceasefire_kg import neo4j_server as n4j
from ceasefire_kg.cli import cli
from ceasefire_kg.errors import InvalidServerSetting, MavenResolveFailed
from ceasefire_kg.neo4j_server import configuration
from tests.conftest import Neo4jConnection, neo4j_unavailable, running_status

VERSION = n4j.NEO4J_VERSION
JAVA_HINT = (
    "Install Java 17 or newer (e.g. `sudo apt-get install openjdk-17-jre-headless`) "
    "and put its `java` on PATH, or set JAVA_HOME to its folder."
)


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's own settings must not leak into the commands under test.
    for name in (
        "CKG_NEO4J_HOME",
        "CKG_NEO4J_BOLT_PORT",
        "CKG_NEO4J_HTTP_PORT",
        "CKG_NEO4J_HEAP",
        "CKG_NEO4J_PAGE_CACHE",
        "CKG_MAVEN_SETTINGS",
        "NEO4J_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)


def ckg_neo4j(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `ckg neo4j ARGS` in-process."""
    return CliRunner().invoke(cli, ["neo4j", *args], env=env)


def assert_fails_with(result: Result, stderr: str) -> None:
    """Exit code 1, nothing on stdout, and exactly this on stderr."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_args() -> list[str]:
    """Free ports, so that no test depends on (or disturbs) 7687/7474."""
    return ["--bolt-port", str(free_port()), "--http-port", str(free_port())]


def real_java_home() -> Path:
    """The folder of the Java the machine has (fail under CI, skip elsewhere)."""
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    java = shutil.which("java")
    if java is None:
        neo4j_unavailable("no `java` on PATH")
    return Path(os.path.realpath(java)).parent.parent


def fake_java_home(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point JAVA_HOME at ``folder``, whose bin/java is the shell ``script``; return that java."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(script)
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(folder))
    return java


def server_processes(home: Path) -> list[int]:
    """Pids of live Neo4j JVMs of a home folder."""
    found = []
    wanted = f"--home-dir={home}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if n4j.SERVER_MAIN_CLASS.encode() in cmdline and wanted in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def http_get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


def bolt_accepts(uri: str, password: str) -> bool:
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        try:
            records, _, _ = driver.execute_query("RETURN 1 AS ok")
        except neo4j.exceptions.AuthError:
            return False
    assert records[0]["ok"] == 1
    return True


# --- Without Java or a server ------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('java version "1.8.0_402"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ('Picked up JAVA_TOOL_OPTIONS: -Xss4m\nopenjdk version "11.0.22" 2024-01-16', 11),
    ],
)
def test_parse_java_major(output: str, major: int) -> None:
    parsed = n4j.parse_java_major(output)
    assert parsed is not None and parsed[0] == major


def test_parse_java_major_without_version() -> None:
    assert n4j.parse_java_major("bash: java: command not found") is None


def test_config_has_the_5x_keys_once(tmp_path: Path) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path, bolt_port=17001, http_port=17002)
    lines = n4j.render_config(settings).splitlines()
    entries = dict(line.split("=", 1) for line in lines if not line.startswith("#"))
    assert len(entries) == len(lines) - 1  # no key twice
    assert entries["server.default_listen_address"] == "127.0.0.1"
    assert entries["server.bolt.listen_address"] == "127.0.0.1:17001"
    assert entries["server.http.listen_address"] == "127.0.0.1:17002"
    assert entries["server.https.enabled"] == "false"
    assert entries["dbms.security.auth_enabled"] == "true"
    assert entries["server.memory.pagecache.size"] == "256m"
    assert entries["dbms.usage_report.enabled"] == "false"
    assert entries["client.allow_telemetry"] == "false"
    assert entries["db.tx_log.preallocate"] == "false"
    assert entries["db.tx_log.rotation.retention_policy"] == "1G size"
    assert entries["browser.remote_content_hostname_whitelist"] == "localhost,127.0.0.1"
    assert "browser.post_connect_cmd" not in entries


def test_config_carries_the_post_connect_command(tmp_path: Path) -> None:
    command = "style http://localhost:8000/style.grass; guide http://localhost:8000/g.md"
    settings = n4j.Neo4jSettings(home=tmp_path, browser_post_connect_cmd=command)
    assert f"browser.post_connect_cmd={command}\n" in n4j.render_config(settings)


def test_config_refuses_a_key_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = configuration.config_entries
    monkeypatch.setattr(configuration, "config_entries", lambda s: [*original(s), ("server.https.enabled", "true")])
    with pytest.raises(InvalidServerSetting, match=r"server\.https\.enabled twice"):
        n4j.render_config(n4j.Neo4jSettings(home=tmp_path))


def test_settings_refuse_a_multi_line_post_connect_command(tmp_path: Path) -> None:
    with pytest.raises(InvalidServerSetting, match="single line"):
        n4j.Neo4jSettings(home=tmp_path, browser_post_connect_cmd="play a\nserver.x=1")


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask that takes no permission away, so that only the code decides them."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_password_file_is_private(tmp_path: Path, permissive_umask: None) -> None:
    settings = n4j.Neo4jSettings(home=tmp_path / "home")
    n4j.store_password(settings, "s3cret-password")
    assert stat.S_IMODE(settings.password_file.stat().st_mode) == 0o600
    assert n4j.stored_password(settings) == "s3cret-password"
    # Replaced whole, still private, and no temporary file left beside it.
    n4j.store_password(settings, "an0ther-password")
    assert stat.S_IMODE(settings.password_file.stat().st_mode) == 0o600
    assert settings.password_file.read_text(encoding="utf-8") == "an0ther-password\n"
    assert sorted(path.name for path in settings.home.iterdir()) == ["password"]


def test_config_file_is_a_plain_file(tmp_path: Path) -> None:
    # Nothing secret in neo4j.conf: it gets what any new file gets (0666 less the umask).
    settings = n4j.Neo4jSettings(home=tmp_path / "home")
    previous = os.umask(0o022)
    try:
        written = n4j.write_config(settings)
        assert stat.S_IMODE(written.stat().st_mode) == 0o644
        os.umask(0o002)
        n4j.write_config(settings)
        assert stat.S_IMODE(written.stat().st_mode) == 0o664
    finally:
        os.umask(previous)
    assert written == settings.conf_file
    assert written.read_text(encoding="utf-8") == n4j.render_config(settings)
    assert [path.name for path in settings.conf_dir.iterdir()] == ["neo4j.conf"]


def test_settings_for_an_explicit_home_ignore_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_NEO4J_HOME", str(tmp_path / "from-environment"))
    settings = n4j.Neo4jSettings.for_home(tmp_path / "given", bolt_port=17001, http_port=17002)
    assert settings == n4j.Neo4jSettings(home=tmp_path / "given", bolt_port=17001, http_port=17002)


def test_settings_for_no_home_use_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_NEO4J_HOME", str(tmp_path / "from-environment"))
    assert n4j.Neo4jSettings.for_home(None).home == tmp_path / "from-environment"
    assert n4j.Neo4jSettings.for_home(heap="1g") == n4j.Neo4jSettings(home=tmp_path / "from-environment", heap="1g")


@pytest.mark.parametrize("environment", [None, ""])
def test_settings_for_no_home_fall_back_to_the_default(
    environment: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if environment is not None:
        monkeypatch.setenv("CKG_NEO4J_HOME", environment)
    assert n4j.Neo4jSettings.for_home(None).home == n4j.default_home()


def test_settings_for_a_home_check_the_overrides(tmp_path: Path) -> None:
    with pytest.raises(InvalidServerSetting, match="must differ"):
        n4j.Neo4jSettings.for_home(tmp_path, bolt_port=17001, http_port=17001)


def test_start_refuses_a_short_password(tmp_path: Path) -> None:
    result = ckg_neo4j("start", "--home", str(tmp_path), "--password", "short")
    assert_fails_with(
        result,
        "Error: The Neo4j password must have at least 8 characters; the one given has 5. "
        "Choose a longer one (--password / NEO4J_PASSWORD).\n",
    )


def test_start_refuses_a_malformed_heap(tmp_path: Path) -> None:
    result = ckg_neo4j("start", "--home", str(tmp_path), "--heap", "lots")
    assert_fails_with(result, "Error: The heap size 'lots' is not a size such as 512m or 2g.\n")


def test_start_refuses_equal_ports(tmp_path: Path) -> None:
    result = ckg_neo4j("start", "--home", str(tmp_path), "--bolt-port", "17001", "--http-port", "17001")
    assert_fails_with(
        result,
        "Error: The Bolt and HTTP ports must differ; both are 17001. Choose another with --bolt-port / --http-port.\n",
    )


def test_status_and_stop_when_not_running(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # A pid file naming a live process that is not our server (pids get reused).
    (home / "run").mkdir(parents=True)
    (home / "run" / n4j.PID_FILE_NAME).write_text(f"{os.getpid()}\n")

    status = ckg_neo4j("status", "--home", str(home))
    assert status.exit_code == 0, status.output
    assert status.stdout == (
        f"Neo4j is not running (home {home}).\nBolt port:   7687\nHTTP port:   7474\nData folder: {home / 'data'}\n"
    )

    stop = ckg_neo4j("stop", "--home", str(home))
    assert stop.exit_code == 0, stop.output
    assert stop.stdout == f"Neo4j is not running (home {home}); nothing to stop.\n"
    assert not (home / "run" / n4j.PID_FILE_NAME).exists()


def test_status_when_not_running_shows_the_configured_ports(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # What the last `ckg neo4j start --bolt-port 17687 --http-port 17474` wrote.
    n4j.write_config(n4j.Neo4jSettings(home=home, bolt_port=17687, http_port=17474))

    status = ckg_neo4j("status", "--home", str(home))
    assert status.exit_code == 0, status.output
    assert status.stdout == (
        f"Neo4j is not running (home {home}).\nBolt port:   17687\nHTTP port:   17474\nData folder: {home}/data\n"
    )


def test_start_names_the_whole_ckg_browser_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A home and a browser port of one's own: the hint must serve the port this server loads from.
    def fake_start(settings: n4j.Neo4jSettings, password: str | None, **_: object) -> n4j.StartResult:
        # Nothing is written: the default home below is the user's own.
        monkeypatch.setattr(
            n4j, "read_config", lambda given: {"browser.post_connect_cmd": settings.browser_post_connect_cmd}
        )
        state = running_status(settings)
        monkeypatch.setattr(n4j, "status", lambda given: state)
        return n4j.StartResult(status=state, already_running=False, password="pw")

    monkeypatch.setattr(n4j, "start", fake_start)
    home = tmp_path / "my home"
    result = ckg_neo4j("start", "--home", str(home), "--browser-port", "47475")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"For a styled graph and a guided tour in Neo4j Browser, run `ckg browser --port 47475 --home '{home}'`.\n"
    )
    default = ckg_neo4j("start", "--home", str(n4j.default_home()))
    assert default.exit_code == 0, default.output
    assert default.stderr == "For a styled graph and a guided tour in Neo4j Browser, run `ckg browser`.\n"


def test_reset_deletes_data_and_password(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data" / "databases").mkdir(parents=True)
    n4j.store_password(n4j.Neo4jSettings(home=home), "a-password")

    result = ckg_neo4j("reset", "--home", str(home), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Deleted {home / 'data'}\nDeleted {home / 'password'}\n"
    assert not (home / "data").exists()

    again = ckg_neo4j("reset", "--home", str(home), "--yes")
    assert again.stdout == f"Nothing to delete in {home}.\n"


def test_start_shows_a_generated_password_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI's rendering only; the real first start is the session fixture's.
    def fake_start(settings: n4j.Neo4jSettings, password: str | None, **_: object) -> n4j.StartResult:
        state = running_status(settings, accepting=False)
        return n4j.StartResult(status=state, already_running=False, password="Gen3rated-pw", password_generated=True)

    monkeypatch.setattr(n4j, "start", fake_start)
    home = tmp_path / "home"
    result = ckg_neo4j("start", "--home", str(home))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Neo4j {VERSION} is running (pid 4242).\n"
        "Bolt URI:    neo4j://127.0.0.1:7687\n"
        "Browser URL: http://127.0.0.1:7474/browser/\n"
        f"Data folder: {home}/data\n"
        "User:        neo4j\n"
        "Password:    Gen3rated-pw\n"
        f"             (generated; kept in {home}/password)\n"
    )


# --- Error paths before the server runs -----------------------------------------------


def test_start_without_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = ckg_neo4j("start", "--home", str(tmp_path / "home"), *port_args())
    assert_fails_with(
        result,
        "Error: Java was not found: JAVA_HOME is not set and there is no `java` on PATH. "
        f"Neo4j {VERSION} needs Java 17 or newer. {JAVA_HINT}\n",
    )


def test_start_with_java_home_pointing_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    java_home = tmp_path / "no-jdk"
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    result = ckg_neo4j("start", "--home", str(tmp_path / "home"), *port_args())
    assert_fails_with(
        result,
        f"Error: JAVA_HOME is set to {java_home}, but {java_home}/bin/java does not exist "
        "or is not executable. Point JAVA_HOME at a Java 17 (or newer) installation, "
        "or unset it to use `java` from PATH.\n",
    )


def test_start_with_too_old_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    java = fake_java_home(
        tmp_path / "jdk11",
        "#!/bin/sh\n"
        "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n"
        "echo 'OpenJDK Runtime Environment (build 11.0.22+7)' >&2\n",
        monkeypatch,
    )
    result = ckg_neo4j("start", "--home", str(tmp_path / "home"), *port_args())
    assert_fails_with(
        result,
        f"Error: Neo4j {VERSION} needs Java 17 or newer, but {java} is Java 11 "
        f'(openjdk version "11.0.22" 2024-01-16). {JAVA_HINT}\n',
    )


def test_start_without_maven_and_without_jars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(real_java_home()))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    home = tmp_path / "home"
    result = ckg_neo4j("start", "--home", str(home), *port_args())
    assert_fails_with(
        result,
        f"Error: Maven (`mvn`) is needed once to download Neo4j {VERSION} into "
        f"{home}/lib, but it is not on PATH. Install it (e.g. `sudo apt-get install "
        "maven`) and run `ckg neo4j start` again.\n",
    )


@pytest.fixture
def offline_maven_settings(tmp_path: Path) -> Path:
    """Maven settings that forbid the network and point at an empty repository."""
    if shutil.which("mvn") is None:
        neo4j_unavailable("no `mvn` on PATH")
    settings = tmp_path / "maven-settings.xml"
    settings.write_text(
        '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">\n'
        f"  <localRepository>{tmp_path / 'empty-repository'}</localRepository>\n"
        "  <offline>true</offline>\n"
        "</settings>\n"
    )
    return settings


@pytest.mark.slow
def test_start_when_maven_cannot_resolve(tmp_path: Path, offline_maven_settings: Path) -> None:
    home = tmp_path / "home"
    result = ckg_neo4j(
        "start",
        "--home",
        str(home),
        "--maven-settings",
        str(offline_maven_settings),
        *port_args(),
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    progress = (
        f"Downloading Neo4j {VERSION} and Neo4j Browser {n4j.BROWSER_VERSION} from Maven "
        f"Central into {home}/lib (about 140 MB, first start only)...\n"
    )
    error = (
        f"Error: Maven could not download Neo4j {VERSION} and Neo4j Browser "
        f"{n4j.BROWSER_VERSION} into {home}/lib (mvn exited with 1). Check the "
        "connection to Maven Central (https://repo.maven.apache.org) and any proxy or "
        "mirror in your Maven settings, then run `ckg neo4j start` again. Full output: "
        f"{home}/logs/maven.log. Maven said:\n[ERROR] "
    )
    assert result.stderr.startswith(progress + error)
    assert "in offline mode" in result.stderr
    assert not n4j.lib_is_complete(n4j.Neo4jSettings(home=home))


@pytest.mark.slow
def test_install_reports_an_unknown_version(tmp_path: Path) -> None:
    if shutil.which("mvn") is None:
        neo4j_unavailable("no `mvn` on PATH")
    settings = n4j.Neo4jSettings(home=tmp_path / "home", neo4j_version="5.26.99999")
    progress: list[str] = []
    with pytest.raises(MavenResolveFailed) as raised:
        n4j.install(settings, progress.append)
    # Online: "Could not find artifact org.neo4j:neo4j:jar:5.26.99999"; offline
    # it fails earlier, on the network. Either way it names the version.
    assert "Maven could not download Neo4j 5.26.99999" in str(raised.value)
    assert progress == [
        f"Downloading Neo4j 5.26.99999 and Neo4j Browser {n4j.BROWSER_VERSION} from Maven "
        f"Central into {settings.lib_dir} (about 140 MB, first start only)..."
    ]


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    ("taken", "other", "variable"),
    [("--bolt-port", "--http-port", "CKG_NEO4J_BOLT_PORT"), ("--http-port", "--bolt-port", "CKG_NEO4J_HTTP_PORT")],
    ids=["bolt", "http"],
)
def test_start_when_a_port_is_taken(tmp_path: Path, listening_port: int, taken: str, other: str, variable: str) -> None:
    result = ckg_neo4j("start", "--home", str(tmp_path), taken, str(listening_port), other, str(free_port()))
    assert_fails_with(
        result,
        f"Error: Port {listening_port} on 127.0.0.1 is already in use by another program. "
        f"Stop it, or choose another port with {taken} / {variable}.\n",
    )


def test_start_times_out_and_leaves_nothing_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A "java" that is new enough, and whose "server" never opens a port.
    fake_java_home(
        tmp_path / "jdk",
        "#!/bin/sh\n"
        'case "$*" in\n'
        "  *-version*) echo 'openjdk version \"17.0.9\" 2023-10-17' >&2 ;;\n"
        "  *CommunityEntryPoint*) echo 'pretending to start'; exec sleep 120 ;;\n"
        "esac\n",
        monkeypatch,
    )
    home = tmp_path / "home"
    settings = n4j.Neo4jSettings(home=home)
    # Jars "already downloaded", so that no Maven runs.
    settings.lib_dir.mkdir(parents=True)
    (settings.lib_dir / "neo4j.jar").write_bytes(b"")
    settings.lib_marker.write_text(
        json.dumps({"neo4j": n4j.NEO4J_VERSION, "browser": n4j.BROWSER_VERSION, "jars": ["neo4j.jar"]})
    )
    bolt_port = free_port()
    result = ckg_neo4j(
        "start",
        "--home",
        str(home),
        "--timeout",
        "1",
        "--bolt-port",
        str(bolt_port),
        "--http-port",
        str(free_port()),
    )
    assert_fails_with(
        result,
        "Setting the initial password of user neo4j...\n"
        f"Starting Neo4j {VERSION} and waiting for it to answer on "
        f"neo4j://127.0.0.1:{bolt_port}...\n"
        f"Error: Neo4j did not answer on bolt://127.0.0.1:{bolt_port} within 1 s (its "
        f"Bolt port never opened); it was stopped. Last lines of {home}/logs/console.log:\n"
        "pretending to start\n"
        "Try again with a longer --timeout, or look into the log.\n",
    )
    assert not settings.pid_file.exists()
    assert n4j.status(settings).running is False


# --- Against the session's managed server --------------------------------------------


def managed(connection: Neo4jConnection) -> n4j.Neo4jSettings:
    assert connection.settings is not None
    return connection.settings


@pytest.mark.neo4j
def test_status_browser_and_password(managed_neo4j_server: Neo4jConnection) -> None:
    settings = managed(managed_neo4j_server)
    home = settings.home
    state = n4j.status(settings)
    assert state.running and state.accepting_connections

    result = ckg_neo4j("status", "--home", str(home))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Neo4j is running (pid {state.pid}).\n"
        f"Bolt port:   {settings.bolt_port}\n"
        f"HTTP port:   {settings.http_port}\n"
        f"Bolt URI:    neo4j://127.0.0.1:{settings.bolt_port}\n"
        f"Browser URL: http://127.0.0.1:{settings.http_port}/browser/\n"
        f"Data folder: {home}/data\n"
    )

    code, body = http_get(settings.browser_url)
    assert code == 200
    assert "<title>Neo4j Browser</title>" in body

    assert bolt_accepts(settings.bolt_uri, managed_neo4j_server.password)
    assert not bolt_accepts(settings.bolt_uri, "not-the-password")

    # The generated password is kept, for the owner's eyes only.
    assert n4j.stored_password(settings) == managed_neo4j_server.password
    assert stat.S_IMODE(settings.password_file.stat().st_mode) == 0o600
    # So are the server's password hash and graphs: other local users cannot enter its data folder.
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert (settings.data_dir / "dbms" / "auth.ini").exists()


@pytest.mark.neo4j
def test_start_is_a_noop_when_running(managed_neo4j_server: Neo4jConnection) -> None:
    settings = managed(managed_neo4j_server)
    pid = n4j.status(settings).pid
    result = ckg_neo4j(
        "start",
        "--home",
        str(settings.home),
        "--bolt-port",
        str(settings.bolt_port),
        "--http-port",
        str(settings.http_port),
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Neo4j is already running from {settings.home} (pid {pid}).\n"
    assert result.stdout == (
        f"Neo4j was already running (pid {pid}).\n"
        f"Bolt URI:    neo4j://127.0.0.1:{settings.bolt_port}\n"
        f"Browser URL: http://127.0.0.1:{settings.http_port}/browser/\n"
        f"Data folder: {settings.home}/data\n"
        "User:        neo4j\n"
    )
    assert n4j.status(settings).pid == pid


@pytest.mark.neo4j
def test_install_is_offline_once_jars_are_complete(
    managed_neo4j_server: Neo4jConnection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = managed(managed_neo4j_server)
    # No mvn on PATH: any attempt to run Maven would raise MavenNotFound.
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert n4j.lib_is_complete(settings)
    assert n4j.install(settings) is False


@pytest.mark.neo4j
def test_server_died_during_start(managed_neo4j_server: Neo4jConnection, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # Borrow the session server's jars rather than downloading them again.
    (home / "lib").symlink_to(managed(managed_neo4j_server).lib_dir)
    bolt_port = free_port()
    result = ckg_neo4j(
        "start",
        "--home",
        str(home),
        "--heap",
        "1m",
        "--bolt-port",
        str(bolt_port),
        "--http-port",
        str(free_port()),
        # A leading "-" must not be taken for an option by neo4j-admin.
        "--password=-dash-password",
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Setting the initial password of user neo4j...\n"
        f"Starting Neo4j {VERSION} and waiting for it to answer on "
        f"neo4j://127.0.0.1:{bolt_port}...\n"
        "Error: Neo4j exited while starting (exit code 1). Last lines of "
        f"{home}/logs/console.log:\n"
    )
    assert "\nError occurred during initialization of VM\nToo small maximum heap\n" in (result.stderr)
    assert result.stderr.endswith("\nFix the cause shown above and run `ckg neo4j start` again.\n")
    assert server_processes(home) == []
    assert not (home / "run" / n4j.PID_FILE_NAME).exists()


@pytest.mark.neo4j
def test_neo4j_driver_fixture_part_1_leaves_data(neo4j_driver: neo4j.Driver) -> None:
    neo4j_driver.execute_query("CREATE (:Party {name: 'A'})-[:SIGNED]->(:Accord)")
    neo4j_driver.execute_query("CREATE CONSTRAINT party_name IF NOT EXISTS FOR (p:Party) REQUIRE p.name IS UNIQUE")
    neo4j_driver.execute_query("CREATE INDEX accord_date IF NOT EXISTS FOR (a:Accord) ON (a.date)")


@pytest.mark.neo4j
def test_neo4j_driver_fixture_part_2_finds_an_empty_database(neo4j_driver: neo4j.Driver, neo4j_database: str) -> None:
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS nodes", database_=neo4j_database)
    assert records[0]["nodes"] == 0
    constraints, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS", database_=neo4j_database)
    assert constraints == []
    indexes, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN type", database_=neo4j_database
    )
    assert indexes == []


# Last of the file: it stops the shared server (and starts it again).
@pytest.mark.neo4j
def test_stop_wrong_password_and_restart(managed_neo4j_server: Neo4jConnection) -> None:
    settings = managed(managed_neo4j_server)
    home = settings.home
    ports = ["--bolt-port", str(settings.bolt_port), "--http-port", str(settings.http_port)]
    pid = n4j.status(settings).pid

    stop = ckg_neo4j("stop", "--home", str(home))
    assert stop.exit_code == 0, stop.output
    assert stop.stderr == f"Stopping Neo4j (pid {pid})...\n"
    assert stop.stdout == f"Neo4j stopped (pid {pid}).\n"
    assert server_processes(home) == []
    assert not settings.pid_file.exists()
    assert not n4j.port_in_use(settings.bolt_port)
    assert not n4j.port_in_use(settings.http_port)

    status = ckg_neo4j("status", "--home", str(home))
    assert status.stdout == (
        f"Neo4j is not running (home {home}).\n"
        f"Bolt port:   {settings.bolt_port}\n"
        f"HTTP port:   {settings.http_port}\n"
        f"Data folder: {home}/data\n"
    )
    again = ckg_neo4j("stop", "--home", str(home))
    assert again.stdout == f"Neo4j is not running (home {home}); nothing to stop.\n"

    wrong = ckg_neo4j("start", "--home", str(home), *ports, "--password", "wrong-password")
    assert_fails_with(
        wrong,
        f"Starting Neo4j {VERSION} and waiting for it to answer on {settings.bolt_uri}...\n"
        "Error: Neo4j refused the password (from --password / NEO4J_PASSWORD) for user "
        f"'neo4j': its data folder {home}/data was initialised with another password. "
        "Start again with that password (--password / NEO4J_PASSWORD), or delete the "
        f"data folder and every graph in it with `ckg neo4j reset --home {home}` and "
        "start afresh.\n",
    )
    assert server_processes(home) == []
    assert not settings.pid_file.exists()
    # The refused password did not replace the good one.
    assert n4j.stored_password(settings) == managed_neo4j_server.password

    start = ckg_neo4j(
        "start",
        "--home",
        str(home),
        *ports,
        env={"NEO4J_PASSWORD": managed_neo4j_server.password},
    )
    assert start.exit_code == 0, start.output
    new_pid = n4j.status(settings).pid
    assert start.stdout == (
        f"Neo4j {VERSION} is running (pid {new_pid}).\n"
        f"Bolt URI:    {settings.bolt_uri}\n"
        f"Browser URL: {settings.browser_url}\n"
        f"Data folder: {home}/data\n"
        "User:        neo4j\n"
    )
    assert server_processes(home) == [new_pid]
    assert http_get(settings.browser_url)[0] == 200
    assert bolt_accepts(settings.bolt_uri, managed_neo4j_server.password)
