"""Requirements of ADL's LRS conformance suite that the other test modules miss.

Each test names the requirement id the suite uses (XAPI-nnnnn, from
adlnet/xapi-lrs-conformance-requirements) or, for xAPI 2.0 checks without an id,
the IEEE 9274.1.1 section. xapi/CONFORMANCE.md maps every requirement group to
its tests.
"""

import re

import pytest

from tests.xapi.factories import agent, credentials, new_id, send, statement, url

pytestmark = pytest.mark.django_db

ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
ACTIVITY = "https://learning.example.org/courses/ct-101"


def post(client, headers, body, **kwargs):
    return send(client, "POST", url("statements"), body, headers=headers, **kwargs)


def fetch(client, headers, statement_id):
    return client.get(url("statements", statementId=statement_id), headers=headers)


def substatement(**overrides) -> dict:
    return {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": ATTEMPTED},
        "object": {"id": "http://x.org/a"},
        **overrides,
    }


def attachment(**overrides) -> dict:
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "http://over.there.com/file.txt",
        **overrides,
    }


# --- XAPI-00013: language map keys and context.language are RFC 5646 tags --------

WELL_FORMED_TAGS = [
    "de",
    "ine",
    "i-enochian",
    "zh-Hant",
    "zh-cmn-Hans-CN",
    "sr-Latn-RS",
    "sl-rozaj-biske",
    "de-CH-1901",
    "hy-Latn-IT-arevela",
    "es-419",
    "az-Arab-x-AZE-derbend",
    "x-whatever",
]
ILL_FORMED_TAGS = [
    "de-419-DE",  # two regions
    "a-DE",  # single-letter primary subtag
    "ar-a-aaa-b-bbb-a-ccc",  # the same extension singleton twice
    "something",  # nine letters
]


@pytest.mark.parametrize("tag", WELL_FORMED_TAGS)
def test_xapi_00013_well_formed_language_tags_are_accepted(client, tag):
    sent = statement(
        verb={"id": ATTEMPTED, "display": {tag: "attempted"}},
        context={"language": tag},
    )

    response = post(client, credentials(), sent)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("tag", ILL_FORMED_TAGS)
@pytest.mark.parametrize(
    "where",
    ["verb display", "activity name", "attachment display", "context language"],
)
def test_xapi_00013_ill_formed_language_tags_are_400(client, tag, where):
    language_map = {"en-US": "text", tag: "text"}
    sent = {
        "verb display": statement(verb={"id": ATTEMPTED, "display": language_map}),
        "activity name": statement(
            object={"id": ACTIVITY, "definition": {"name": language_map}}
        ),
        "attachment display": statement(attachments=[attachment(display=language_map)]),
        "context language": statement(context={"language": tag}),
    }[where]

    response = post(client, credentials(), sent)

    assert response.status_code == 400


# --- XAPI-00123 / XAPI-00122: timestamps ------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "2008-09-15 15:53:00.601+00:00",  # RFC 3339 (2.0 suite)
        "20080915T155300.601Z",  # ISO 8601 basic format
        "2013-05-18T05:32:34.804+0100",
    ],
)
def test_xapi_00123_iso_8601_and_rfc_3339_timestamps_are_accepted(client, timestamp):
    headers = credentials()
    statement_id = new_id()
    sent = statement(
        id=statement_id,
        timestamp=timestamp,
        object=substatement(timestamp=timestamp),
    )

    response = post(client, headers, sent)

    assert response.status_code == 200, response.content
    # XAPI-00122: the timestamp comes back with its precision.
    assert fetch(client, headers, statement_id).json()["timestamp"] == timestamp


@pytest.mark.parametrize(
    "timestamp",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
    ],
)
@pytest.mark.parametrize("where", ["statement", "substatement"])
def test_xapi_00123_malformed_timestamps_are_400(client, timestamp, where):
    sent = (
        statement(timestamp=timestamp)
        if where == "statement"
        else statement(object=substatement(timestamp=timestamp))
    )

    response = post(client, credentials(), sent)

    assert response.status_code == 400


# --- XAPI-00124: durations ---------------------------------------------------------


@pytest.mark.parametrize(
    "duration",
    ["PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P4W"],
)
def test_xapi_00124_iso_8601_durations_are_accepted(client, duration):
    response = post(client, credentials(), statement(result={"duration": duration}))

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("duration", ["P4W1D", "PA1H0M0S", "P", "PT", "P1DT"])
def test_xapi_00124_malformed_durations_are_400(client, duration):
    response = post(client, credentials(), statement(result={"duration": duration}))

    assert response.status_code == 400


# --- XAPI-00021, XAPI-00009, XAPI-00119: formatting ----------------------------


def test_xapi_00021_statement_with_a_duplicate_key_is_400(client):
    headers = credentials()
    statement_id = new_id()
    body = (
        f'{{"id": "{statement_id}", "actor": {{"mbox": "mailto:a@example.org"}},'
        f' "verb": {{"id": "{ATTEMPTED}"}}, "verb": {{"id": "{ATTEMPTED}"}},'
        f' "object": {{"id": "{ACTIVITY}"}}}}'
    )

    response = post(client, headers, body)

    assert response.status_code == 400
    assert fetch(client, headers, statement_id).status_code == 404


@pytest.mark.parametrize("interaction_type", ["true-faLse", "Choice", "Other"])
def test_xapi_00009_enumerated_values_must_match_case(client, interaction_type):
    sent = statement(
        object={"id": ACTIVITY, "definition": {"interactionType": interaction_type}}
    )

    response = post(client, credentials(), sent)

    assert response.status_code == 400


@pytest.mark.parametrize("interaction_type", [{"test": "value"}, ["choice"], 12345])
@pytest.mark.parametrize("where", ["statement", "substatement"])
def test_xapi_00049_interaction_type_that_is_not_a_string_is_400(
    client, interaction_type, where
):
    activity = {"id": ACTIVITY, "definition": {"interactionType": interaction_type}}
    if where == "statement":
        sent = statement(object=activity)
    else:
        sent = statement(object=substatement(object=activity))

    response = post(client, credentials(), sent)

    assert response.status_code == 400


def test_xapi_00119_extension_values_may_be_null_or_empty(client):
    extensions = {
        "http://example.com/null": None,
        "http://example.com/empty": "",
        "http://example.com/object": {},
    }
    sent = statement(
        object={"id": ACTIVITY, "definition": {"extensions": extensions}},
        result={"extensions": extensions},
        context={"extensions": extensions},
    )

    response = post(client, credentials(), sent)

    assert response.status_code == 200, response.content


# --- XAPI-00095 / XAPI-00096: contextActivities ------------------------------------


def test_xapi_00095_empty_context_activities_is_400(client):
    response = post(client, credentials(), statement(context={"contextActivities": {}}))

    assert response.status_code == 400


def test_xapi_00096_a_single_context_activity_comes_back_in_an_array(client):
    headers = credentials()
    statement_id = new_id()
    parent = {"objectType": "Activity", "id": "http://x.org/parent"}
    context = {"contextActivities": {"parent": parent}}
    sent = statement(
        id=statement_id, context=context, object=substatement(context=context)
    )
    post(client, headers, sent)

    stored = fetch(client, headers, statement_id).json()
    resent = send(
        client,
        "PUT",
        url("statements", statementId=statement_id),
        sent,
        headers=headers,
    )

    assert stored["context"]["contextActivities"] == {"parent": [parent]}
    assert stored["object"]["context"]["contextActivities"] == {"parent": [parent]}
    # The array form is the same statement as the one sent (no 409).
    assert resent.status_code == 204


# --- XAPI-00098 / XAPI-00100: an authority Group is two Agents -------------------


@pytest.mark.parametrize(("members", "status"), [(2, 200), (1, 400), (3, 400)])
def test_xapi_00098_authority_group_has_exactly_two_agents(client, members, status):
    authority = {
        "objectType": "Group",
        "member": [agent(f"member{index}@example.org") for index in range(members)],
    }

    response = post(client, credentials(), statement(authority=authority))

    assert response.status_code == status


# --- XAPI-00331 / XAPI-00153: headers on error responses ----------------------------


def test_xapi_00331_missing_version_is_400_before_authentication(client):
    # The 1.0.3 suite sends neither credentials nor version and expects 400; the
    # 2.0 suite expects the 400 to carry X-Experience-API-Version 2.0.0.
    response = client.get(url("statements", statementId=new_id()))

    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize(
    ("declared", "listed"),
    [
        (
            {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"},
            ["1.0.0", "1.0.1", "1.0.2", "1.0.3"],
        ),
        (
            {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"},
            ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"],
        ),
        ({}, ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]),
    ],
)
def test_xapi_00316_about_lists_only_versions_the_client_speaks(
    client, declared, listed
):
    # The 1.0.3 suite fails an About answer naming anything but 0.9, 0.95 and
    # 1.0.x; the 2.0 suite needs "2.0.0" in it (XAPI-00317).
    response = client.get(url("about"), **declared)

    assert response.status_code == 200
    assert response.json()["version"] == listed


@pytest.mark.parametrize(
    ("params", "status"),
    [({"statementId": "00000000-0000-4000-8000-000000000000"}, 404), ({"x": 1}, 400)],
)
def test_xapi_00153_consistent_through_header_whatever_the_status(
    client, params, status
):
    response = client.get(url("statements", **params), headers=credentials())

    assert response.status_code == status
    assert response["X-Experience-API-Consistent-Through"]


# --- 2.0 §4.1.6.4: the Activities resource answers for any activity ---------------


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_activities_resource_returns_an_activity_object_for_an_unseen_id(
    client, version
):
    activity_id = f"http://www.example.com/never-before-seen/{new_id()}"

    response = client.get(
        url("activities", activityId=activity_id), headers=credentials(version=version)
    )

    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": activity_id}


# --- XAPI-00322: ETags and the PUT precondition on the state resource -------------


def state_url():
    return url("activities/state", activityId=ACTIVITY, agent=agent(), stateId="s")


def test_xapi_00322_document_etag_is_a_quoted_sha1(client):
    headers = credentials()
    send(client, "POST", state_url(), {"a": 1}, headers=headers)

    response = client.get(state_url(), headers=headers)

    assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])


@pytest.mark.parametrize(("version", "status"), [("1.0.3", 204), ("2.0.0", 409)])
def test_xapi_00322_state_put_over_existing_without_precondition(
    client, version, status
):
    # 1.0.3 asks for If-Match/If-None-Match on profiles only; 2.0 (§4.1.4) on
    # every document resource, state included.
    headers = credentials(version=version)
    send(client, "POST", state_url(), {"a": 1}, headers=headers)

    response = send(client, "PUT", state_url(), {"b": 2}, headers=headers)

    expected = {"a": 1} if status == 409 else {"b": 2}
    assert response.status_code == status
    assert client.get(state_url(), headers=headers).json() == expected


def test_xapi_00322_state_put_with_matching_etag_in_version_2(client):
    headers = credentials(version="2.0.0")
    send(client, "POST", state_url(), {"a": 1}, headers=headers)
    etag = client.get(state_url(), headers=headers)["ETag"]

    response = send(
        client, "PUT", state_url(), {"b": 2}, headers={**headers, "If-Match": etag}
    )

    assert response.status_code == 204
    assert client.get(state_url(), headers=headers).json() == {"b": 2}


# --- XAPI-00169 / XAPI-00172: format=canonical ------------------------------------


def test_xapi_00169_canonical_format_uses_the_lrs_definition_in_one_language(client):
    # A statement carries only an English name; a later one adds French. Asked
    # for French, the first statement comes back with the canonical French name.
    headers = credentials()
    first_id = new_id()
    post(
        client,
        headers,
        statement(
            id=first_id,
            object={"id": ACTIVITY, "definition": {"name": {"en-US": "Course"}}},
        ),
    )
    post(
        client,
        headers,
        statement(object={"id": ACTIVITY, "definition": {"name": {"fr": "Cours"}}}),
    )

    response = client.get(
        url("statements", statementId=first_id, format="canonical"),
        headers={**headers, "Accept-Language": "fr"},
    )

    assert response.json()["object"]["definition"]["name"] == {"fr": "Cours"}


# --- XAPI-00171: format=ids -------------------------------------------------------


def test_xapi_00171_ids_format_gives_activities_and_verbs_by_id_alone(client):
    # The suite counts keys: an Activity (also inside a SubStatement and in
    # contextActivities) and a Verb keep their id and nothing else; a Group
    # keeps objectType, which it needs, and its IFI.
    headers = credentials()
    group = {"objectType": "Group", "name": "Team", "mbox": "mailto:team@example.org"}
    body = statement(
        object=substatement(
            actor=group,
            object={"objectType": "Activity", "id": ACTIVITY},
            context={"contextActivities": {"parent": {"id": "http://x.org/p"}}},
        )
    )
    [statement_id] = post(client, headers, body).json()

    found = client.get(
        url("statements", statementId=statement_id, format="ids"), headers=headers
    ).json()

    inner = found["object"]
    assert found["verb"] == {"id": body["verb"]["id"]}
    assert inner["object"] == {"id": ACTIVITY}
    assert inner["verb"] == {"id": ATTEMPTED}
    assert inner["actor"] == {"objectType": "Group", "mbox": "mailto:team@example.org"}
    assert inner["context"]["contextActivities"] == {
        "parent": [{"id": "http://x.org/p"}]
    }
