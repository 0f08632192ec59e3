"""`make run`: prepare the database, then serve the demo (uvicorn) and run tasks (Celery).

`infra.embedded run` starts PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL) and calls
this module, which:
1. refuses a port already in use, with the way out;
2. migrates (`migrate_schemas --shared`, then `migrate_tenants`: template and tenants) and seeds
   the demo the first time (the demo EPCI's tenant is the marker; ENTENTE_SEED_DEMO=0 skips it);
3. starts the ASGI server, a Celery worker, Celery beat and the mail receiver as child
   processes, prefixes their output, and prints the URLs and the demo logins once the site
   answers /healthz and the worker has run a tenant-bound ping;
4. supervises: a child that dies is started again after a backoff (1 s doubling to 30 s, back
   to 1 s once it has run a minute), saying so; an embedded Redis or PostgreSQL that died is
   started again too (`infra.embedded.restart_dead`), with its data;
5. on Ctrl-C or SIGTERM, and only then, stops every child (warm shutdown, then SIGKILL after a
   grace period).

Environment: ENTENTE_PORT (8000), ENTENTE_HOST (127.0.0.1), ENTENTE_SEED_DEMO (1).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.error import URLError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ROOT / "platform"
READY_TIMEOUT_SECONDS = 90
STOP_GRACE_SECONDS = 20
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1

_output_lock = threading.Lock()
_COLOURS = {"entente": "1", "web": "36", "worker": "35", "beat": "33", "mail": "32"}
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
RESTART_RESET_AFTER_SECONDS = 60.0  # a child that ran this long starts again at the first delay
EMBEDDED_CHECK_SECONDS = 1.0


def say(name: str, text: str, stream: IO[str] | None = None) -> None:
    """Print lines under a process's name, as `web    | …`, coloured on a terminal."""
    stream = stream or sys.stdout
    prefix = f"{name:<7}|"
    if stream.isatty():
        prefix = f"\033[{_COLOURS.get(name, '0')}m{prefix}\033[0m"
    with _output_lock:
        for line in text.splitlines() or [""]:
            stream.write(f"{prefix} {line}\n")
        stream.flush()


def fail(text: str) -> int:
    say("entente", text, sys.stderr)
    return 1


# -- Environment and checks ---------------------------------------------------------------------


def prepare_environment(port: int) -> None:
    """What this process and its children need: import path, settings, port for links."""
    paths = [str(ROOT), str(PLATFORM)]
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths + current))
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
    os.environ["ENTENTE_PORT"] = str(port)
    os.environ["PYTHONUNBUFFERED"] = "1"  # children's lines arrive as they are written


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def port_in_use_message(host: str, port: int) -> str:
    other = port + 1
    return (
        f"Le port {port} est déjà utilisé sur {host} : un autre `make run` tourne peut-être.\n"
        f"Arrêtez-le (Ctrl-C dans son terminal) ou choisissez un autre port : "
        f"ENTENTE_PORT={other} make run\n"
        f"Port {port} on {host} is already in use (another `make run`?). Stop it, or pick "
        f"another port: ENTENTE_PORT={other} make run"
    )


# -- Database -----------------------------------------------------------------------------------


def prepare_database(seed: bool) -> None:
    """Migrate every schema, bring the tenant template up to date, seed the demo once."""
    import django
    from django.core.management import call_command, get_commands
    from django.db import connections

    django.setup()
    started = time.monotonic()
    say("entente", "Migrations (schéma public et collectivités)…")
    # The public schema, then the template and every tenant schema not current (one query
    # when nothing changed: tenants/deploy.py).
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if "migrate_tenants" in get_commands():
        call_command("migrate_tenants", workers=1, stdout=io.StringIO())
    else:
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    say("entente", f"Base de données à jour ({time.monotonic() - started:.1f} s).")

    if seed:
        from entente.demo.services import demo_is_seeded, seed_demo

        if not demo_is_seeded():
            started = time.monotonic()
            say("entente", "Première exécution : création de la démo (CC Sud Retz Atlantique)…")
            summary = seed_demo()
            say(
                "entente",
                f"Démo créée : {summary.tenants} collectivités, {summary.people} personnes, "
                f"{summary.spaces} espaces ({time.monotonic() - started:.1f} s).",
            )
    connections.close_all()  # the children open their own; this process keeps none idle


# -- Children -----------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: receive SIGTERM if this supervisor dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C still stops everything
        pass


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen[str] | None = None
    reader: threading.Thread | None = field(default=None, repr=False)
    started_at: float = 0.0
    restarts: int = 0
    restart_at: float | None = None

    def restart_delay(self) -> float:
        """Doubling from 1 s to 30 s, from 1 s again after a run of a minute or more."""
        if time.monotonic() - self.started_at >= RESTART_RESET_AFTER_SECONDS:
            self.restarts = 0
        delay = min(RESTART_FIRST_SECONDS * 2**self.restarts, RESTART_MAX_SECONDS)
        self.restarts += 1
        return delay

    def start(self) -> None:
        # A session of its own: Ctrl-C reaches this supervisor only, which stops the children
        # in order (a second Ctrl-C straight to Celery would mean a cold shutdown).
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # safe: no other thread runs while children start
        )
        self.started_at = time.monotonic()

    def follow_output(self) -> None:
        process = self.process
        assert process is not None
        assert process.stdout is not None
        stdout = process.stdout

        def relay() -> None:
            for line in stdout:
                say(self.name, line.rstrip("\n"))

        self.reader = threading.Thread(target=relay, name=f"relay-{self.name}", daemon=True)
        self.reader.start()

    @property
    def exit_code(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def ask_to_stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop_orphans(self) -> None:
        """What a child that died left in its group (a Celery pool's processes) goes too."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


def web_command(host: str, port: int) -> list[str]:
    try:
        import uvicorn.protocols.websockets.websockets_sansio_impl  # noqa: F401

        ws = "websockets-sansio"  # the lightest per socket (PERFORMANCE.md)
    except ImportError:
        ws = "auto"
    return [
        sys.executable, "-m", "uvicorn", "entente.config.asgi:application",
        "--host", host, "--port", str(port), "--ws", ws,
        # Live messages are small JSON: compressing them costs a zlib context per socket.
        "--ws-per-message-deflate", "false",
        "--lifespan", "off", "--timeout-graceful-shutdown", "10",
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "worker",
        "--concurrency", "2", "--loglevel", "info", "--without-mingle", "--without-gossip",
    ]  # fmt: skip


def beat_command() -> list[str]:
    """Beat on its own (as in production, helm/): a worker that dies keeps the schedule going,
    and the outbox sweep with it."""
    schedule = Path(os.environ.get("ENTENTE_DATA_DIR", ROOT / ".data")) / "celerybeat-schedule"
    return [
        sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "beat",
        "--loglevel", "info", "--schedule", str(schedule),
    ]  # fmt: skip


def mail_receiver_command() -> list[str]:
    """The inbound SMTP server of e-mail → task (127.0.0.1:2525 unless ENTENTE_SMTP_* say)."""
    return [sys.executable, str(ROOT / "manage.py"), "mail_receiver"]


# -- Readiness ----------------------------------------------------------------------------------


def site_answers(port: int) -> bool:
    from django.conf import settings

    # Python's resolver does not know *.localhost: ask the loopback with the Host header.
    request = Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.ENTENTE_DOMAIN})
    try:
        with urlopen(request, timeout=1) as response:  # noqa: S310 (loopback only)
            return bool(response.status == 200)
    except (URLError, OSError):
        return False


class WorkerPing:
    """A ping sent in the demo EPCI's schema: answered means the worker runs tenant tasks."""

    def __init__(self) -> None:
        from django.db import connections
        from django_tenants.utils import get_public_schema_name, schema_context

        from entente.core.tasks import ping_tenant

        self.token = uuid.uuid4().hex
        self.expected_schema = self._demo_schema() or get_public_schema_name()
        with schema_context(self.expected_schema):
            ping_tenant.delay(self.token)
        connections.close_all()

    @staticmethod
    def _demo_schema() -> str | None:
        from entente.demo.services import demo_epci

        tenant = demo_epci()
        return tenant.schema_name if tenant is not None else None

    def answer(self) -> dict[str, object] | None:
        from entente.core.tasks import ping_answer

        return ping_answer(self.token)


# -- The banner ---------------------------------------------------------------------------------


def banner() -> str:
    from django.db import connections

    from entente.core.links import platform_url
    from entente.demo.services import demo_overview

    lines = [
        "",
        "Entente est prête. / Entente is ready.",
        "",
        f"  Plateforme (landing, console)   {platform_url()}",
    ]
    overview = demo_overview()
    lines += [f"  {tenant.name:<31} {tenant.url()}" for tenant in overview.tenants]
    if overview.logins:
        lines += ["", f"Connexions de démonstration (mot de passe : {overview.password})"]
        lines += [f"  {login.email:<44} {login.description}" for login in overview.logins]
        lines.append("  Toutes les personnes de la démo : python manage.py seed_demo")
    lines += ["", "Ctrl-C arrête tout. / Ctrl-C stops everything.", ""]
    connections.close_all()
    return "\n".join(lines)


# -- Supervision --------------------------------------------------------------------------------


class Supervisor:
    def __init__(self, children: list[Child], port: int) -> None:
        self.children = children
        self.port = port
        self.stop_requested = threading.Event()
        self.hurry = False

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self.stop_requested.is_set():
            self.hurry = True  # a second Ctrl-C: do not wait for the grace period
        self.stop_requested.set()

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        for child in self.children:
            child.start()
        for child in self.children:  # threads only once every child is forked
            child.follow_output()
        try:
            return self._watch()
        finally:
            self._stop_all()

    def _watch(self) -> int:
        ping = WorkerPing()
        site_ready = worker_ready = warned = False
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        next_embedded_check = time.monotonic() + EMBEDDED_CHECK_SECONDS
        while not self.stop_requested.wait(POLL_SECONDS):
            for child in self.children:
                self._restart_if_dead(child)
            if time.monotonic() >= next_embedded_check:
                self._restart_embedded()
                next_embedded_check = time.monotonic() + EMBEDDED_CHECK_SECONDS
            if site_ready and worker_ready:
                continue
            site_ready = site_ready or site_answers(self.port)
            worker_ready = worker_ready or self._check_ping(ping)
            if site_ready and worker_ready:
                say("entente", banner())
            elif not warned and time.monotonic() > deadline:
                warned = True
                waiting = [n for n, ok in (("web", site_ready), ("worker", worker_ready)) if not ok]
                say(
                    "entente",
                    f"Toujours sans réponse après {READY_TIMEOUT_SECONDS} s : {', '.join(waiting)}."
                    f" / Still not answering: {', '.join(waiting)}.",
                )
        say("entente", "Arrêt demandé : arrêt du serveur et du worker… / Stopping…")
        return 0

    def _restart_if_dead(self, child: Child) -> None:
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at and not self.stop_requested.is_set():
                child.restart_at = None
                child.stop_orphans()
                child.start()
                child.follow_output()
                say("entente", f"« {child.name} » redémarré. / {child.name} restarted.")
            return
        code = child.exit_code
        if code is None:
            return
        fr, en = (
            (f"tué par le signal {-code}", f"was killed by signal {-code}")
            if code < 0
            else (f"s'est arrêté (code {code})", f"exited with code {code}")
        )
        delay = child.restart_delay()
        child.restart_at = now + delay
        say(
            "entente",
            f"Le processus « {child.name} » {fr} : redémarrage dans {delay:.0f} s.\n"
            f"The {child.name} process {en}: restarting in {delay:.0f} s.",
            sys.stderr,
        )

    @staticmethod
    def _restart_embedded() -> None:
        from infra.embedded import restart_dead

        try:
            restarted = restart_dead(dict(os.environ))
        except Exception as error:  # retried at the next check
            say("entente", f"Redémarrage impossible pour l'instant / cannot restart yet: {error}")
            return
        for name in restarted:
            say("entente", f"{name} embarqué redémarré. / Embedded {name} restarted.")

    @staticmethod
    def _check_ping(ping: WorkerPing) -> bool:
        answer = ping.answer()
        if answer is None:
            return False
        if answer.get("database_schema") != ping.expected_schema:
            say(
                "entente",
                f"ATTENTION : la tâche de test a tourné dans le schéma {answer['database_schema']}"
                f" au lieu de {ping.expected_schema}. / The ping ran in the wrong schema.",
                sys.stderr,
            )
        return True

    def _stop_all(self) -> None:
        for child in self.children:
            child.ask_to_stop()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while any(child.exit_code is None for child in self.children):
            if self.hurry or time.monotonic() > deadline:
                for child in self.children:
                    child.kill()
                break
            time.sleep(POLL_SECONDS)
        for child in self.children:
            if child.process is not None:
                child.process.wait()
                child.stop_orphans()
            if child.reader is not None:
                child.reader.join(timeout=2)
        say("entente", "Tout est arrêté. / Everything is stopped.")


def main() -> int:
    host = os.environ.get("ENTENTE_HOST", "127.0.0.1")
    try:
        port = int(os.environ.get("ENTENTE_PORT", "8000"))
    except ValueError:
        return fail("ENTENTE_PORT doit être un numéro de port. / ENTENTE_PORT must be a number.")
    prepare_environment(port)
    if port_in_use(host, port):
        return fail(port_in_use_message(host, port))
    try:
        prepare_database(seed=os.environ.get("ENTENTE_SEED_DEMO", "1") != "0")
    except KeyboardInterrupt:
        return 130
    children = [
        Child("web", web_command(host, port)),
        Child("worker", worker_command()),
        Child("beat", beat_command()),
        Child("mail", mail_receiver_command()),
    ]
    return Supervisor(children, port).run()


if __name__ == "__main__":
    sys.exit(main())
