"""The site started as production runs it, on loopback, for the scripts in bench/.

A fresh PostgreSQL database (dropped afterwards), Redis under a key prefix of its own (deleted afterwards),
`migrate` and `collectstatic` as in the release step, then the Procfile's `web` command (gunicorn) with
DJANGO_DEBUG off on a free port. Only TLS is missing: there is no proxy in front, so HTTPS redirects are off.

PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres, a user that may create
databases). Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/0).
"""

import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
import gunicorn
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
FORM_PATH = "/request-a-call-back/"


@dataclass(frozen=True)
class Site:
    base: str  # http://127.0.0.1:<port>
    port: int
    web_command: str
    log: Path  # gunicorn's output
    process_group: int  # gunicorn's master and workers
    database_url: str = ""
    cache_prefix: str = ""  # the Redis key prefix of this run

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's processes: moved less than latency by other work on the machine."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[2]) == self.process_group:  # fields after the name: state, ppid, pgrp, ...
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


@contextmanager
def fresh_database(postgres_url: str = POSTGRES_URL):
    """Yield the URL of a new, empty database on the server of `postgres_url` (a database its user may connect
    to, as a user that may create databases); the database is dropped afterwards."""
    name = f"ptc_bench_{os.getpid()}_{int(time.time())}"
    admin = psycopg.connect(postgres_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def _own_redis_prefix(redis_url: str):
    prefix = f"ptc_bench_{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        if redis_url:  # without it, the cache is each process's local memory: nothing to delete
            client = redis.Redis.from_url(redis_url)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)


@contextmanager
def _web_server(env: dict, log: Path, command: str):
    with log.open("w") as output:
        server = subprocess.Popen(
            ["sh", "-c", f"exec {command}"], cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    try:
        yield server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {seconds:.0f} s")


@contextmanager
def production_site(
    web_command: str | None = None,
    *,
    environment: dict | None = None,
    redis_url: str = REDIS_URL,
    prepare: Callable[[str], None] | None = None,
):
    """Yield a Site running the Procfile's web command (or the one given, to try other gunicorn settings).

    `environment` adds to or overrides the site's variables (a raised rate limit, WEB_CONCURRENCY, ...); an empty
    `redis_url` leaves the cache in each process's local memory. `prepare` is given the database's URL once it is
    migrated, before the site starts: data written then is what the site reads first, as after a deploy."""
    if web_command is None:
        web_command = re.search(r"^web:\s*(.+)$", (ROOT / "Procfile").read_text(), re.MULTILINE).group(1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with fresh_database() as database_url, _own_redis_prefix(redis_url) as prefix:
        env = {
            **os.environ,
            "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "SITE_URL": base,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            **(environment or {}),
        }
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        if prepare is not None:
            prepare(database_url)
        log = Path(tempfile.gettempdir()) / f"{prefix}-gunicorn.log"
        with _web_server(env, log, web_command) as process_group:
            wait_until_up(base)
            yield Site(
                base=base,
                port=port,
                web_command=web_command,
                log=log,
                process_group=process_group,
                database_url=database_url,
                cache_prefix=prefix,
            )


def set_call_capacity(database_url: str, *, places: int, spans, weekdays, notice_hours: int = 0) -> None:
    """Give the site call windows ((from, until) spans of 30-minute calls on `weekdays`), as the Clinic manager
    would in the admin, so that the form lists the times it can offer. Written straight to the database, so it
    is for `production_site(prepare=...)`: a site already running keeps the capacity it read until the admin
    changes it."""
    connection = psycopg.connect(database_url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("UPDATE consultations_bookingrules SET notice_hours = %s WHERE id = 1", (notice_hours,))
            for weekday in weekdays:
                for starts, ends in spans:
                    cursor.execute(
                        "INSERT INTO consultations_callwindow (rules_id, weekday, starts, ends, call_minutes, places)"
                        " VALUES (1, %s, %s, %s, 30, %s)",
                        (weekday, starts, ends, places),
                    )
    finally:
        connection.close()


def version(*command: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return "not found"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def describe_machine() -> list[str]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE).group(1)
    memory_kib = int(re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1))
    postgres = psycopg.connect(POSTGRES_URL)
    with postgres.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres_version = cursor.fetchone()[0]
    postgres.close()
    return [
        f"machine: {os.cpu_count()} cores ({cpu}), {memory_kib / 1024**2:.0f} GiB memory, {platform.platform()}",
        f"software: Python {platform.python_version()}, Django {django.__version__}, gunicorn {gunicorn.__version__},"
        f" PostgreSQL {postgres_version}, Redis {redis.Redis.from_url(REDIS_URL).info()['redis_version']}",
    ]
