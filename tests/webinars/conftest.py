"""Webinar test settings: private files in a temporary directory per test."""

import pytest

from webinars.models import Caption, Recording

CACHED = ("base_location", "location")


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """Recordings and captions written by a test go to its own directory."""
    storages = [model._meta.get_field("file").storage for model in (Recording, Caption)]
    for storage in storages:
        monkeypatch.setattr(storage, "_location", str(tmp_path))
        for name in CACHED:
            storage.__dict__.pop(name, None)
    yield tmp_path
    for storage in storages:
        for name in CACHED:
            storage.__dict__.pop(name, None)
