"""Language-test fixtures: a clean cache (page roots, rate limits) for every test."""

import pytest

from tests.accounts.steps import cache_forget_own_keys


@pytest.fixture(autouse=True)
def clean_cache():
    """Forget this process's cached state around every test."""
    cache_forget_own_keys()
    yield
    cache_forget_own_keys()
