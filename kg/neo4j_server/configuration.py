"""Configuring the managed Neo4j server: neo4j.conf and the password of user neo4j."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ceasefire_kg.errors import InvalidServerSetting, Neo4jServerError
from ceasefire_kg.files import PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, write_text_atomically
from ceasefire_kg.neo4j_server.logs import last_lines
from ceasefire_kg.neo4j_server.settings import HOST, Neo4jSettings

MIN_PASSWORD_LENGTH = 8  # Neo4j's own minimum (dbms.security.auth_minimum_password_length)
ADMIN_MAIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"


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
        # Neo4j keeps two days of transaction logs by default: every push of a big store
        # (about 1 GB of log for 1,000,000 triples) stayed on disk, and a day of pushing
        # with --rebuild filled a disk. The data can always be pushed again from the
        # store, so keep only 1 GB beyond what recovery needs (pruned at each checkpoint).
        ("db.tx_log.rotation.retention_policy", "1G size"),
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
    # Nothing secret in it: the permissions of any file the user creates.
    write_text_atomically(settings.conf_file, render_config(settings), mode=PUBLIC_FILE_MODE)
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


def configured_ports(settings: Neo4jSettings) -> tuple[int, int]:
    """Return the Bolt and HTTP ports the home's neo4j.conf names.

    Args:
        settings: The server settings; its ports stand in for those the file lacks.

    Returns:
        ``(bolt_port, http_port)``.
    """
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
    # Created with 0600 from the start so the secret is never world-readable.
    write_text_atomically(settings.password_file, password + "\n", mode=PRIVATE_FILE_MODE)


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
            # It writes the password hash (data/dbms/auth.ini): for this user only.
            umask=0o077,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Neo4jServerError(f"Could not set the initial Neo4j password: {error}.") from error
    if completed.returncode != 0:
        output = (completed.stderr.strip() or completed.stdout).strip()
        raise Neo4jServerError(
            "Could not set the initial Neo4j password (neo4j-admin exited with "
            f"{completed.returncode}):\n{last_lines(output)}"
        )
