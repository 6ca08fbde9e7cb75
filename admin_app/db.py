"""Database connection: MONGODB_URI when given, else the embedded FerretDB server.

The embedded server is our own small Go program (tools/ferretdb) that runs
FerretDB 1.24.2 on SQLite. It listens on loopback only, keeps its data under
var/ferretdb, and is started with the app and stopped when the app exits.
"""

import atexit
import socket
import subprocess
import time
from pathlib import Path

import mongoengine
from pymongo import MongoClient
from pymongo.errors import PyMongoError


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


class EmbeddedServer:
    """A FerretDB process on 127.0.0.1:port with its SQLite files in data_dir."""

    def __init__(self, binary: str, data_dir: str, port: int):
        self.binary = binary
        self.data_dir = data_dir
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 20.0) -> str:
        """Start the server (or reuse ours if it already runs) and wait until it answers."""
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
        if _port_open(self.port):
            if _answers_mongo(self.uri):
                # Another process of this app (a second worker, an earlier run) serves it.
                return self.uri
            raise DatabaseStartError(
                f"端口 {self.port} 已被其他程序占用，内置数据库无法启动；请设置 EMBEDDED_DB_PORT "
                f"为空闲端口。 / port {self.port} is taken by another program; set EMBEDDED_DB_PORT."
            )
        with open(data / "ferretdb.log", "ab") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(
                [self.binary, "-listen", f"127.0.0.1:{self.port}", "-dir", str(data)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
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

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


_server: EmbeddedServer | None = None


def connect(app) -> None:
    """Connect mongoengine to MONGODB_URI, or to the embedded server it starts."""
    global _server
    uri = app.config.get("MONGODB_URI")
    if not uri:
        if _server is None:
            _server = EmbeddedServer(
                app.config["EMBEDDED_DB_BIN"],
                app.config["EMBEDDED_DB_DIR"],
                int(app.config["EMBEDDED_DB_PORT"]),
            )
        uri = _server.start()
    mongoengine.disconnect()
    mongoengine.connect(
        db=app.config["MONGODB_DB"],
        host=uri,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=5000,
    )
    app.config["MONGODB_EFFECTIVE_URI"] = uri


def init_app(app) -> None:
    """Connect at app creation."""
    connect(app)
