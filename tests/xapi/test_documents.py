"""State, activity profile and agent profile resources with ETag concurrency.

Sections cite xAPI 1.0.3 Part 3 §1.1 ("Concurrency") and §2.3-2.6.
"""

import json

import pytest

from tests.xapi.factories import agent, credentials, new_id, send, url

pytestmark = pytest.mark.django_db

ACTIVITY = "https://learning.example.org/courses/ct-101"


def state_url(**extra):
    return url("activities/state", activityId=ACTIVITY, agent=agent(), **extra)


def test_state_put_then_get_returns_document_with_etag(client):  # Part 3 §2.3
    headers = credentials()

    response = send(
        client, "PUT", state_url(stateId="bookmark"), {"page": 3}, headers=headers
    )
    fetched = client.get(state_url(stateId="bookmark"), headers=headers)

    assert response.status_code == 204
    assert fetched.status_code == 200
    assert fetched.json() == {"page": 3}
    assert fetched["ETag"].strip('"')
    assert fetched["Last-Modified"]


def test_state_post_merges_json_objects(client):  # Part 3 §2.3 (JSON merge)
    headers = credentials()
    send(client, "PUT", state_url(stateId="s"), {"a": 1, "b": 1}, headers=headers)

    send(client, "POST", state_url(stateId="s"), {"b": 2, "c": 3}, headers=headers)

    assert client.get(state_url(stateId="s"), headers=headers).json() == {
        "a": 1,
        "b": 2,
        "c": 3,
    }


def test_state_post_merge_with_non_json_is_400(client):  # Part 3 §2.3
    headers = credentials()
    send(
        client,
        "PUT",
        state_url(stateId="s"),
        b"plain",
        headers=headers,
        content_type="text/plain",
    )

    response = send(client, "POST", state_url(stateId="s"), {"b": 2}, headers=headers)

    assert response.status_code == 400


def test_state_ids_list_filters_by_registration_and_since(client):  # Part 3 §2.3
    headers = credentials()
    registration = new_id()
    send(client, "PUT", state_url(stateId="one"), {"x": 1}, headers=headers)
    send(
        client,
        "PUT",
        state_url(stateId="two", registration=registration),
        {"x": 2},
        headers=headers,
    )

    plain = client.get(state_url(), headers=headers).json()
    registered = client.get(
        state_url(registration=registration), headers=headers
    ).json()
    since = client.get(state_url(since="2999-01-01T00:00:00Z"), headers=headers).json()

    assert plain == ["one"]
    assert registered == ["two"]
    assert since == []


def test_state_delete_without_state_id_deletes_all(client):  # Part 3 §2.3
    headers = credentials()
    send(client, "PUT", state_url(stateId="one"), {"x": 1}, headers=headers)
    send(client, "PUT", state_url(stateId="two"), {"x": 2}, headers=headers)

    response = client.delete(state_url(), headers=headers)

    assert response.status_code == 204
    assert client.get(state_url(), headers=headers).json() == []


def test_state_needs_activity_and_agent(client):  # Part 3 §2.3
    response = client.get(
        url("activities/state", activityId=ACTIVITY), headers=credentials()
    )

    assert response.status_code == 400


def test_unknown_document_is_404(client):  # Part 3 §2.3
    response = client.get(state_url(stateId="missing"), headers=credentials())

    assert response.status_code == 404


def profile_url(**extra):
    return url("activities/profile", activityId=ACTIVITY, **extra)


def test_profile_put_with_stale_if_match_is_412_and_keeps_document(client):
    # 1.0.3 Part 3 §1.1: a stale ETag loses.
    headers = credentials()
    send(
        client,
        "PUT",
        profile_url(profileId="p"),
        {"v": 1},
        headers={**headers, "If-None-Match": "*"},
    )
    etag = client.get(profile_url(profileId="p"), headers=headers)["ETag"]
    send(
        client,
        "PUT",
        profile_url(profileId="p"),
        {"v": 2},
        headers={**headers, "If-Match": etag},
    )

    response = send(
        client,
        "PUT",
        profile_url(profileId="p"),
        {"v": 3},
        headers={**headers, "If-Match": etag},
    )

    assert response.status_code == 412
    assert client.get(profile_url(profileId="p"), headers=headers).json() == {"v": 2}


def test_profile_put_if_none_match_star_on_existing_is_412(client):  # Part 3 §1.1
    headers = credentials()
    send(
        client,
        "PUT",
        profile_url(profileId="p"),
        {"v": 1},
        headers={**headers, "If-None-Match": "*"},
    )

    response = send(
        client,
        "PUT",
        profile_url(profileId="p"),
        {"v": 2},
        headers={**headers, "If-None-Match": "*"},
    )

    assert response.status_code == 412


def test_profile_put_over_existing_without_precondition_is_409(client):
    # 1.0.3 Part 3 §1.1: a PUT onto an existing profile must say which version.
    headers = credentials()
    send(client, "PUT", profile_url(profileId="p"), {"v": 1}, headers=headers)

    response = send(
        client, "PUT", profile_url(profileId="p"), {"v": 2}, headers=headers
    )

    assert response.status_code == 409
    assert client.get(profile_url(profileId="p"), headers=headers).json() == {"v": 1}


def test_profile_delete_with_stale_if_match_is_412(client):  # Part 3 §1.1
    headers = credentials()
    send(client, "PUT", profile_url(profileId="p"), {"v": 1}, headers=headers)

    response = client.delete(
        profile_url(profileId="p"), headers={**headers, "If-Match": '"0"'}
    )

    assert response.status_code == 412
    assert client.get(profile_url(profileId="p"), headers=headers).status_code == 200


def test_agent_profile_round_trip_and_listing(client):  # Part 3 §2.6
    headers = credentials()
    address = url("agents/profile", agent=agent(), profileId="prefs")

    send(client, "PUT", address, {"lang": "fr"}, headers=headers)

    assert client.get(address, headers=headers).json() == {"lang": "fr"}
    assert client.get(url("agents/profile", agent=agent()), headers=headers).json() == [
        "prefs"
    ]


def test_document_content_type_is_kept(client):  # Part 3 §2.3
    headers = credentials()
    address = profile_url(profileId="notes")

    send(client, "PUT", address, b"hello", headers=headers, content_type="text/plain")

    fetched = client.get(address, headers=headers)
    assert fetched.content == b"hello"
    assert fetched["Content-Type"] == "text/plain"


def test_activities_resource_returns_canonical_definition(client):  # Part 3 §2.5
    headers = credentials()
    body = {
        "actor": agent(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY, "definition": {"name": {"en-US": "CT 101"}}},
    }
    send(client, "POST", url("statements"), body, headers=headers)

    activity = client.get(
        url("activities", activityId=ACTIVITY), headers=headers
    ).json()

    assert activity == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"name": {"en-US": "CT 101"}},
    }


def test_agents_resource_returns_person(client):  # Part 3 §2.6 "Agents Resource"
    response = client.get(url("agents", agent=agent(name="Ana")), headers=credentials())

    assert response.json() == {
        "objectType": "Person",
        "name": ["Ana"],
        "mbox": ["mailto:learner@example.org"],
    }


def test_about_needs_no_credentials_and_lists_versions(client):  # Part 3 §2.8
    response = client.get(url("about"))

    assert response.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(json.loads(response.content)["version"])
