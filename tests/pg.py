"""A throwaway PostgreSQL cluster for the test run: initdb into a temporary folder,
start on a free port with fsync off, stop and delete at the end.

Roles: ``attfin_owner`` owns the databases and runs migrations; ``attfin_app`` is what
the application connects as (no UPDATE, DELETE or TRUNCATE on ledger tables)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, pool, text

OWNER = "attfin_owner"
APP = "attfin_app"


def find_bin(name: str) -> str | None:
    """Path of a PostgreSQL server binary, or None."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """A private PostgreSQL server on 127.0.0.1."""

    def __init__(self) -> None:
        self.initdb = find_bin("initdb")
        self.pg_ctl = find_bin("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise RuntimeError("initdb/pg_ctl not found (apt-get install -y postgresql)")
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="attfin-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.started = False

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr or result.stdout}")

    def start(self) -> PgCluster:
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        assert self.initdb and self.pg_ctl
        self._run(
            self.initdb,
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
            "-c max_connections=200"
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )
        self.started = True
        with self.superuser_engine().connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text(f"CREATE ROLE {OWNER} LOGIN CREATEDB"))
            conn.execute(text(f"CREATE ROLE {APP} LOGIN"))
        return self

    def url(self, user: str, database: str) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def superuser_engine(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        return create_engine(
            self.url("postgres", database),
            poolclass=pool.NullPool,
            isolation_level="AUTOCOMMIT",
        )

    def create_database(self, name: str, template: str | None = None) -> None:
        engine = self.superuser_engine()
        with engine.connect() as conn:
            clause = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
            conn.execute(text(f"CREATE DATABASE {name} OWNER {OWNER}{clause}"))
        engine.dispose()

    def drop_database(self, name: str) -> None:
        engine = self.superuser_engine()
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()

    def stop(self) -> None:
        if self.started and self.pg_ctl:
            try:
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
            finally:
                self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
