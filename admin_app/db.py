"""Database connection: MONGODB_URI when given, else the embedded FerretDB server.

The embedded server is our own small Go program (tools/ferretdb) that runs
FerretDB 1.24.2 on SQLite. It listens on loopback only and keeps its data under
EMBEDDED_DB_DIR. Who owns it:

- Under the production server (`admin_app/serving.py`, gunicorn) the master process starts
  it before any worker and stops it when the master stops; it restarts it if it dies. A
  worker only connects: a worker's exit never stops the database.
- `python -m admin_app.db` runs it in the foreground (a systemd unit of its own, started
  before the app servers: docs/DEPLOY.md).
- A `flask` command (seed, backup …) run while no server is up starts one for itself and
  stops it on exit.

The one that starts it writes `server.json` in the data directory (the server's process id
and port). Anything that answers on the port without that file naming a living server of
ours is a foreign program: we refuse to attach to it rather than write children's data
into someone else's database.
"""

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import mongoengine
from pymongo import MongoClient
from pymongo.errors import PyMongoError

# How long a request waits for the database before the outage page (views/errors.py).
SERVER_SELECTION_MS = 3000
CONNECT_MS = 3000
SOCKET_MS = 8000  # one command's answer (a getMore batch of a large export stays well under it)


class DatabaseStartError(RuntimeError):
    """The embedded database could not be started; the message is for a person."""


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _answers_mongo(uri: str) -> bool:
    client = MongoClient(uri, serverSelectionTimeoutMS=1500, connectTimeoutMS=1500)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the database gets SIGTERM when the process that started it dies (even by
    SIGKILL), so a killed app never leaves an orphan server on the port."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedServer:
    """A FerretDB process on 127.0.0.1:port with its SQLite files in data_dir."""

    def __init__(self, binary: str, data_dir: str, port: int):
        self.binary = binary
        self.data_dir = data_dir
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.owner: int | None = None  # the process id that started it
        self._watching = False

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def state_file(self) -> Path:
        return Path(self.data_dir) / "server.json"

    def running_pid(self) -> int | None:
        """The process id of our server on this port, from server.json, if it still runs."""
        try:
            state = json.loads(self.state_file.read_text())
            pid, port = int(state["pid"]), int(state["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if port != self.port or not _alive(pid):
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists():  # Linux: the process must be our binary, not a reused id
            with contextlib.suppress(OSError):
                if Path(self.binary).name.encode() not in cmdline.read_bytes():
                    return None
        return pid

    def _check_binary_and_dir(self) -> Path:
        if not Path(self.binary).is_file():
            raise DatabaseStartError(
                f"内置数据库程序不存在：{self.binary}。请先运行 ./scripts/setup.sh 构建它，"
                f"或设置 MONGODB_URI 使用已有的 MongoDB。 / embedded database binary missing; "
                f"run ./scripts/setup.sh (needs Go) or set MONGODB_URI."
            )
        data = Path(self.data_dir)
        try:
            data.mkdir(parents=True, exist_ok=True)
            probe = data / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise DatabaseStartError(
                f"数据目录不可写：{data}（{exc.strerror}）。 / data directory not writable: {data}"
            ) from exc
        return data

    def attach(self) -> str:
        """The URI of our server already running on the port, or a DatabaseStartError."""
        if _port_open(self.port) and self.running_pid() and _answers_mongo(self.uri):
            return self.uri
        if _port_open(self.port):
            raise self._foreign()
        raise DatabaseStartError(
            f"内置数据库未运行（端口 {self.port}）。请用 ./scripts/run.sh 或 flask db serve 启动。"
            f" / the embedded database is not running on port {self.port}."
        )

    def _foreign(self) -> DatabaseStartError:
        return DatabaseStartError(
            f"端口 {self.port} 已被其他程序占用，内置数据库无法启动；请设置 EMBEDDED_DB_PORT "
            f"为空闲端口。 / port {self.port} is taken by another program; set EMBEDDED_DB_PORT."
        )

    def start(self, timeout: float = 20.0) -> str:
        """Start the server (or attach to ours if it already runs) and wait until it answers."""
        data = self._check_binary_and_dir()
        if _port_open(self.port):
            if self.running_pid() and _answers_mongo(self.uri):
                return self.uri  # ours, started by another process of this app
            raise self._foreign()
        self._spawn(data)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DatabaseStartError(
                    f"内置数据库启动失败（退出码 {self.proc.returncode}），详见 {data}/ferretdb.log。"
                    f" / embedded database exited with code {self.proc.returncode}."
                )
            if _port_open(self.port) and _answers_mongo(self.uri):
                return self.uri
            time.sleep(0.1)
        self.stop()
        raise DatabaseStartError(
            f"内置数据库在 {timeout:.0f} 秒内未就绪。 / embedded database not ready in time."
        )

    def _spawn(self, data: Path) -> None:
        with open(data / "ferretdb.log", "ab") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(
                [self.binary, "-listen", f"127.0.0.1:{self.port}", "-dir", str(data)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.owner = os.getpid()
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": self.proc.pid, "port": self.port}))
        tmp.replace(self.state_file)

    def watch(self, interval: float = 2.0) -> None:
        """Restart the server whenever it exits, until stop() (the supervisor's loop; the
        thread that restarts it must live as long as the server, see _die_with_parent)."""
        self._watching = True

        def loop():
            while self._watching:
                time.sleep(interval)
                proc = self.proc
                if self._watching and proc is not None and proc.poll() is not None:
                    print(
                        f"内置数据库已退出（{proc.returncode}），正在重新启动。",
                        file=sys.stderr,
                        flush=True,
                    )
                    with contextlib.suppress(DatabaseStartError):
                        self.proc = None
                        self.start()

        threading.Thread(target=loop, name="embedded-db-watch", daemon=True).start()

    def stop(self) -> None:
        """Stop the server if this process started it. A gunicorn worker is a fork of the
        master and inherits this object and its atexit call: a worker exiting cleanly (a
        reload, a smaller pool) must neither stop the master's server nor remove its
        server.json, or every worker started after it would refuse the port."""
        if self.owner is not None and self.owner != os.getpid():
            return
        self._watching = False
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.proc is not None:
            with contextlib.suppress(OSError):
                if json.loads(self.state_file.read_text()).get("pid") == self.proc.pid:
                    self.state_file.unlink()
        self.proc = None


def embedded_server(app) -> EmbeddedServer:
    return EmbeddedServer(
        app.config["EMBEDDED_DB_BIN"],
        app.config["EMBEDDED_DB_DIR"],
        int(app.config["EMBEDDED_DB_PORT"]),
    )


_server: EmbeddedServer | None = None


def connect(app) -> None:
    """Connect mongoengine to MONGODB_URI, or to the embedded server: attached to when it
    runs (always under the production server), else started for this process."""
    global _server
    uri = app.config.get("MONGODB_URI")
    if not uri:
        if _server is None:
            _server = embedded_server(app)
        uri = _server.attach() if app.config.get("EMBEDDED_DB_ATTACH_ONLY") else _server.start()
    mongoengine.disconnect()
    mongoengine.connect(
        db=app.config["MONGODB_DB"],
        host=uri,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=SERVER_SELECTION_MS,
        connectTimeoutMS=CONNECT_MS,
        socketTimeoutMS=SOCKET_MS,
    )
    app.config["MONGODB_EFFECTIVE_URI"] = uri


def ping() -> bool:
    """True when the database answers now (the readiness endpoint)."""
    try:
        mongoengine.get_db().command("ping")
        return True
    except PyMongoError:
        return False


def init_app(app) -> None:
    """Connect at app creation."""
    connect(app)


def serve() -> int:
    """Run the embedded database in the foreground until SIGINT/SIGTERM, restarting it if it
    dies (`python -m admin_app.db`)."""

    from . import settings_only

    server = embedded_server(settings_only())
    try:
        uri = server.start()
    except DatabaseStartError as exc:
        print(exc, file=sys.stderr)
        return 1
    if server.proc is None:
        print(f"内置数据库已在运行：{uri}", file=sys.stderr)
        return 1
    server.watch()
    print(f"内置数据库已启动：{uri}（数据目录 {server.data_dir}；Ctrl+C 停止）", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.stop()
    print("内置数据库已停止。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
