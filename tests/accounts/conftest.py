"""Account fixtures: a clean rate-limit cache for every test."""

import pytest

from tests.accounts.steps import cache_forget_own_keys


@pytest.fixture(autouse=True)
def clean_cache():
    """Forget this process's rate limits and used TOTP codes around every test."""
    cache_forget_own_keys()
    yield
    cache_forget_own_keys()
