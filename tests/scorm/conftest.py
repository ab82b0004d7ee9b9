"""SCORM fixtures: a private storage folder of the test's own, a content origin."""

import pytest


@pytest.fixture
def scorm_root(tmp_path, settings, monkeypatch):
    """SCORM storage in a fresh folder, for this process and any worker it starts."""
    root = tmp_path / "scorm-storage"
    root.mkdir()
    settings.SCORM_ROOT = str(root)
    monkeypatch.setenv("SCORM_ROOT", str(root))
    return root


CONTENT_HOST = "scorm-content.test"


@pytest.fixture
def content_origin(settings):
    settings.SCORM_CONTENT_ORIGIN = f"http://{CONTENT_HOST}"
    return settings.SCORM_CONTENT_ORIGIN


def tree_snapshot(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))
