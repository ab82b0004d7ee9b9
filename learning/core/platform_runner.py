"""The quick start's supervisor: Redis, migrate, demo content, web, worker and beat.

Every process it starts is a child in a session of its own, so that Ctrl-C reaches
this supervisor only and it stops the children in order: web first, then beat and
the worker, then the Redis it started. On Linux the children also die with it if it
is killed outright (PR_SET_PDEATHSIG). A child that exits on its own stops
everything, and the supervisor exits non-zero.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from learning.core.demo import DEMO_ACCOUNTS
from learning.core.local_redis import LocalRedis, LocalRedisError, redis_server_binary

STOP_TIMEOUT_SECONDS = 20.0
WEB_START_TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    """Runs in each child before exec: own session, and die with the supervisor."""
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except OSError:
            pass


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    def signal_group(self, signal_number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal_number)


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived while starting up."""


class PlatformRunner:
    def __init__(
        self,
        *,
        base_dir: Path,
        var_dir: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        out: TextIO = sys.stdout,
    ):
        self.base_dir = Path(base_dir)
        self.var_dir = Path(var_dir)
        self.host = host
        self.port = port
        self.out = out
        self.children: list[Child] = []
        self.redis: LocalRedis | None = None
        self.stop_signal: int | None = None
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "learning.settings.dev"
            ),
            "LEARNING_VAR_DIR": str(self.var_dir),
            "PYTHONUNBUFFERED": "1",
        }

    # --- output -----------------------------------------------------------------

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # --- the whole run ------------------------------------------------------------

    def run(self) -> int:
        """Start everything and supervise until a signal or a death; the exit code."""
        previous_handlers = {
            number: signal.signal(number, self._request_stop)
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            return self._run()
        except StopRequested:
            self.say("Stopped during start-up.")
            return 0
        except (LocalRedisError, subprocess.CalledProcessError, OSError) as error:
            self.say(f"Could not start the platform: {error}")
            return 1
        finally:
            self._stop_all()
            for number, handler in previous_handlers.items():
                signal.signal(number, handler)

    def _run(self) -> int:
        if not self._port_is_free():
            self.say(
                f"Port {self.port} on {self.host} is in use: stop what runs there or "
                "choose another with PORT=8001 make run."
            )
            return 1
        self._start_redis()
        manage = [sys.executable, str(self.base_dir / "manage.py")]
        self._run_step(
            "Applying migrations (a minute or two the first time)",
            [*manage, "migrate", "--noinput", "--verbosity", "0"],
        )
        self._run_step("Seeding demo content", [*manage, "seed_demo"])
        celery = [sys.executable, "-m", "celery", "-A", "learning"]
        # Beat and the worker log every task at INFO, which buries the banner.
        celery_log_level = f"--loglevel={os.environ.get('CELERY_LOG_LEVEL', 'WARNING')}"
        self._start(
            "web",
            [*manage, "runserver", f"{self.host}:{self.port}", "--noreload"],
        )
        self._start(
            "worker",
            [
                *celery,
                "worker",
                celery_log_level,
                "--concurrency=2",
                "-n",
                "learning@%h",
            ],
        )
        self._start("beat", [*celery, "beat", celery_log_level])
        self._wait_for_web()
        self._print_banner()
        return self._supervise()

    # --- pieces ---------------------------------------------------------------------

    def _request_stop(self, signal_number, frame) -> None:
        self.stop_signal = signal_number

    def _check_stop(self) -> None:
        if self.stop_signal is not None:
            raise StopRequested

    def _port_is_free(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError:
                return False
        return True

    def _start_redis(self) -> None:
        if os.environ.get("REDIS_URL"):
            self.say(f"Using Redis at {os.environ['REDIS_URL']} (REDIS_URL).")
            return
        self.redis = LocalRedis(
            data_dir=self.var_dir / "redis",
            binary=redis_server_binary(install=True),
            persist=True,
        )
        self.redis.start(preexec_fn=_child_setup)
        self.environment["REDIS_URL"] = self.redis.url
        self.say(f"Started Redis on port {self.redis.port} (data in {self.var_dir}).")

    def _run_step(self, label: str, command: list[str]) -> None:
        self.say(f"{label}...")
        process = self._popen(command)
        while process.poll() is None:
            if self.stop_signal is not None:
                Child(label, process).signal_group(signal.SIGTERM)
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
                raise StopRequested
            time.sleep(POLL_SECONDS)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command)

    def _popen(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            command,
            cwd=self.base_dir,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            preexec_fn=_child_setup,  # noqa: PLW1509 - no threads run here
        )

    def _start(self, name: str, command: list[str]) -> None:
        self._check_stop()
        self.children.append(Child(name, self._popen(command)))

    def _dead_child(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def _wait_for_web(self) -> None:
        url = f"http://{self.host}:{self.port}/healthz/"
        deadline = time.monotonic() + WEB_START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            self._check_stop()
            if self._dead_child():
                return
            try:
                urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own server
                return
            except urllib.error.HTTPError:
                return  # it answers; the health report itself comes later
            except OSError:
                time.sleep(0.5)

    def _print_banner(self) -> None:
        url = f"http://{self.host}:{self.port}/"
        lines = [
            "",
            "=" * 72,
            f"The Learning Platform runs at {url}",
            f"  health:        {url}healthz/",
            f"  Wagtail admin: {url}admin/   (admin and trainers need a TOTP code)",
            "Demo log-ins:",
        ]
        for account in DEMO_ACCOUNTS:
            line = f"  {account.role:<13} {account.email:<24} {account.password}"
            if account.totp_secret:
                line += f"  TOTP {account.totp_secret}"
            lines.append(line)
        lines += [
            "TOTP: add the secret to an authenticator app, or print the current code",
            "  with: .venv/bin/python manage.py demo_totp_code trainer@demo.test",
            "Press Ctrl-C to stop everything.",
            "=" * 72,
        ]
        self.say("\n".join(lines))

    def _supervise(self) -> int:
        while self.stop_signal is None:
            dead = self._dead_child()
            if dead is not None:
                self.say(
                    f"The {dead.name} process exited with {dead.process.returncode}: "
                    "stopping the platform."
                )
                return 1
            time.sleep(POLL_SECONDS)
        self.say(f"Received {signal.Signals(self.stop_signal).name}: stopping.")
        return 0

    def _stop_all(self) -> None:
        for child in self.children:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                self.say(f"The {child.name} process did not stop: killing it.")
                child.signal_group(signal.SIGKILL)
                child.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            # A child's own children (the worker's pool) must go with it.
            child.signal_group(signal.SIGKILL)
        self.children.clear()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
