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

Modules, each with one job (everything public is re-exported here):

* :mod:`.settings`: versions, defaults, :class:`Neo4jSettings` (folders, addresses).
* :mod:`.install`: finding Java and Maven; copying the jars into lib/.
* :mod:`.configuration`: neo4j.conf and the password of user neo4j.
* :mod:`.process`: ports, pid files, :func:`status`, the server command, stopping a process.
* :mod:`.lifecycle`: :func:`start`, :func:`stop` and :func:`reset`.
* :mod:`.logs`: the last lines of logs, for error messages.
"""

from __future__ import annotations

from ceasefire_kg.neo4j_server.configuration import (
    ADMIN_MAIN_CLASS,
    MIN_PASSWORD_LENGTH,
    check_password,
    config_entries,
    configured_ports,
    is_initialised,
    read_config,
    render_config,
    set_initial_password,
    store_password,
    stored_password,
    write_config,
)
from ceasefire_kg.neo4j_server.install import (
    MAVEN_COPY_GOAL,
    MIN_JAVA_MAJOR,
    JavaRuntime,
    check_java,
    find_java,
    find_maven,
    install,
    lib_is_complete,
    parse_java_major,
    pom_xml,
)
from ceasefire_kg.neo4j_server.lifecycle import StartResult, reset, start, stop
from ceasefire_kg.neo4j_server.logs import LOG_TAIL_LINES
from ceasefire_kg.neo4j_server.process import (
    JVM_FLAGS,
    SERVER_MAIN_CLASS,
    ServerStatus,
    check_ports_free,
    port_in_use,
    server_command,
    status,
)
from ceasefire_kg.neo4j_server.settings import (
    BROWSER_VERSION,
    DEFAULT_BOLT_PORT,
    DEFAULT_DATABASE,
    DEFAULT_HEAP,
    DEFAULT_HTTP_PORT,
    DEFAULT_PAGE_CACHE,
    DEFAULT_START_TIMEOUT,
    DEFAULT_STOP_TIMEOUT,
    HOME_ENV,
    HOST,
    LIB_MARKER_NAME,
    NEO4J_VERSION,
    PID_FILE_NAME,
    USERNAME,
    Neo4jSettings,
    bolt_uri,
    browser_url,
    default_home,
)
from ceasefire_kg.progress import ProgressCallback

__all__ = [
    "ADMIN_MAIN_CLASS",
    "BROWSER_VERSION",
    "DEFAULT_BOLT_PORT",
    "DEFAULT_DATABASE",
    "DEFAULT_HEAP",
    "DEFAULT_HTTP_PORT",
    "DEFAULT_PAGE_CACHE",
    "DEFAULT_START_TIMEOUT",
    "DEFAULT_STOP_TIMEOUT",
    "HOME_ENV",
    "HOST",
    "JVM_FLAGS",
    "LIB_MARKER_NAME",
    "LOG_TAIL_LINES",
    "MAVEN_COPY_GOAL",
    "MIN_JAVA_MAJOR",
    "MIN_PASSWORD_LENGTH",
    "NEO4J_VERSION",
    "PID_FILE_NAME",
    "SERVER_MAIN_CLASS",
    "USERNAME",
    "JavaRuntime",
    "Neo4jSettings",
    "ProgressCallback",
    "ServerStatus",
    "StartResult",
    "bolt_uri",
    "browser_url",
    "check_java",
    "check_password",
    "check_ports_free",
    "config_entries",
    "configured_ports",
    "default_home",
    "find_java",
    "find_maven",
    "install",
    "is_initialised",
    "lib_is_complete",
    "parse_java_major",
    "pom_xml",
    "port_in_use",
    "read_config",
    "render_config",
    "reset",
    "server_command",
    "set_initial_password",
    "start",
    "status",
    "stop",
    "store_password",
    "stored_password",
    "write_config",
]
