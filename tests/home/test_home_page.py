"""The home page: what the platform offers, and the way in for a visitor."""

import pytest

from learning.core.demo import HOME_INTRODUCTION, demo_site_seed

pytestmark = pytest.mark.django_db


def test_visitor_sees_the_introduction_and_the_way_to_sign_in(client):
    # given the demo site
    demo_site_seed()

    # when a visitor opens the site's address
    response = client.get("/", follow=True)

    # then the home page explains the platform and offers sign-up and sign-in
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/en/"
    html = response.content.decode()
    assert "<h1" in html and "Learning Platform" in html
    assert HOME_INTRODUCTION in html
    assert 'href="/en/accounts/signup/"' in html
    assert 'href="/en/accounts/login/"' in html
