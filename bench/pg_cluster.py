"""A private, throw-away PostgreSQL cluster that a benchmark may stop and start at will.

The shared server on 127.0.0.1:5432 serves other tests: a fault-injection run never touches it.
It builds its own cluster with the binaries of /usr/lib/postgresql/<version>/bin in a temporary
folder, on a free port. PostgreSQL refuses to run as root, so as root (CI) every server command
runs as the `postgres` account that the distribution's package creates.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SERVER_ACCOUNT = "postgres"


def server_binaries() -> Path:
    """The bin folder of the newest PostgreSQL installed, or PG_BIN when set."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("initdb introuvable sous /usr/lib/postgresql/*/bin (ou PG_BIN)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCluster:
    """initdb, start, stop (fast or immediate), start again, remove."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="iat-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.folder, user=SERVER_ACCOUNT, group=SERVER_ACCOUNT)
        # --no-sync: a new cluster need not survive a crash of the machine; the server's own
        # checkpoints make what the run writes durable.
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_ACCOUNT, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{tool} a échoué : {done.stderr.strip() or done.stdout.strip()}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start and wait until the server accepts connections."""
        # After a crash, PostgreSQL first flushes the whole data folder; file by file (the
        # default) takes seconds on a fresh cluster's thousand files, one syncfs() does not.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c recovery_init_sync_method=syncfs"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: clean shutdown; `immediate`: a crash, recovered from the WAL at next start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def _execute(self, statement: str) -> None:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as connection:
            connection.execute(statement)

    def create_database(self, name: str) -> str:
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def checkpoint(self) -> None:
        """Write every page to disk, as a server that has been up a while has done."""
        self._execute("CHECKPOINT")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
