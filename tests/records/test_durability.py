"""Durability with a real Celery worker and real Redis: no event lost or doubled."""

import shutil
import signal
import socket
import subprocess
import tempfile

import pytest
from django.test import Client

from learning.records.models import Event
from learning.records.services import stream_length, stream_pending_count
from learning.records.tasks import records_drain_task
from tests.conftest import CeleryWorker, wait_until
from tests.factories import ProfileFactory
from tests.records.tracking import playback, report_today, track

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("stand_in_catalogue")]


@pytest.fixture
def start_worker(transactional_db):
    """Start real workers (each with the environment as it is then); stop them all."""
    workers = []

    def start() -> CeleryWorker:
        worker = CeleryWorker()
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def learner_client():
    client = Client()
    client.force_login(ProfileFactory().user)
    return client


def views_counted(expected: int):
    return lambda: report_today()["recordings"]["views"] == expected


def test_real_worker_drains_the_stream_and_rolls_up(celery_worker):
    # given two learners' playbacks and resource views, sent through the endpoint
    first, second = learner_client(), learner_client()
    for client in (first, second):
        assert playback(client, "9", 40).json()["stored"] == "stream"
        track(client, type="resource_viewed", object_id="12", room="3")

    # when the drain task runs on the worker (beat sends it every few seconds)
    records_drain_task.delay()

    # then the worker stores the events and rolls them up into the report
    wait_until(views_counted(2), timeout=60, message="Views were not rolled up.")
    assert report_today()["resources"]["views"] == 2
    assert stream_length() == 0


def test_killing_the_worker_mid_batch_loses_and_doubles_nothing(
    start_worker, monkeypatch
):
    # given a worker that pauses inside each batch (after reading, before storing)
    monkeypatch.setenv("RECORDS_DRAIN_TEST_PAUSE_SECONDS", "120")
    monkeypatch.setenv("RECORDS_DRAIN_BATCH_SIZE", "10")
    monkeypatch.setenv("RECORDS_DRAIN_RECLAIM_IDLE_MS", "200")
    first_worker = start_worker()
    clients = [learner_client() for _ in range(25)]
    for client in clients:
        playback(client, "9", 40)

    # when it is killed (SIGKILL) while holding a batch it has not stored
    records_drain_task.delay()
    wait_until(
        lambda: stream_pending_count() > 0,
        timeout=60,
        message="The worker never took a batch.",
    )
    first_worker.kill()
    assert Event.objects.count() == 0

    # and a new worker starts and drains
    monkeypatch.setenv("RECORDS_DRAIN_TEST_PAUSE_SECONDS", "0")
    start_worker()
    records_drain_task.delay()

    # then every event is counted exactly once
    wait_until(views_counted(25), timeout=90, message="Events were lost.")
    wait_until(lambda: stream_length() == 0, timeout=30, message="Stream not empty.")
    assert stream_pending_count() == 0
    assert Event.objects.count() == 25
    records_drain_task.delay().get(timeout=30)  # running it again changes nothing
    assert report_today()["recordings"]["views"] == 25


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    """A second, real redis-server with append-only persistence, as in production."""
    port = free_port()
    directory = tempfile.mkdtemp(prefix="records-redis-")
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--dir",
            directory,
        ],
        stdout=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until(answers, timeout=20, message="redis-server did not start.")
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


def test_frozen_redis_falls_back_to_postgresql_and_counts_once(
    own_redis, start_worker, settings, monkeypatch
):
    # given the stream on its own Redis, and a worker that drains it
    process, url = own_redis
    settings.RECORDS_STREAM_URL = url
    settings.RECORDS_STREAM_RETRY_SECONDS = 0
    monkeypatch.setenv("RECORDS_STREAM_URL", url)
    start_worker()
    learners = [learner_client() for _ in range(6)]
    before = [playback(c, "9", 40, idempotency_key="retried-01") for c in learners[:3]]

    # when Redis freezes (SIGSTOP: connections hang) while events arrive,
    # one of them a retry of an event already in the stream
    process.send_signal(signal.SIGSTOP)
    during = [playback(c, "9", 40, idempotency_key="retried-01") for c in learners]

    # then each request still stores its event, in PostgreSQL
    assert [r.json()["stored"] for r in before] == ["stream"] * 3
    assert [r.json()["stored"] for r in during] == ["database"] * 6
    assert Event.objects.count() == 6

    # when Redis comes back and the worker drains the stream
    process.send_signal(signal.SIGCONT)
    records_drain_task.delay()

    # then every learner's view is counted once, the retried ones too
    wait_until(views_counted(6), timeout=60, message="Views were not rolled up.")
    wait_until(lambda: stream_length() == 0, timeout=30, message="Stream not empty.")
    assert Event.objects.count() == 6
