"""Statement resource: PUT, POST, GET, validation, voiding, queries, headers.

Sections cite xAPI 1.0.3 (Part 2 "Statements", Part 3 "Data Processing") and, where
it differs, IEEE 9274.1.1 (xAPI 2.0).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xapi.factories import agent, credentials, new_id, send, statement, url

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


def post(client, headers, body):
    return send(client, "POST", url("statements"), body, headers=headers)


def put(client, headers, statement_id, body):
    return send(
        client,
        "PUT",
        url("statements", statementId=statement_id),
        body,
        headers=headers,
    )


def get(client, headers, **params):
    return client.get(url("statements", **params), headers=headers)


# --- PUT / POST -------------------------------------------------------------------


def test_put_stores_statement_and_answers_204(client):  # 1.0.3 Part 3 §2.1.1
    headers = credentials()
    statement_id = new_id()

    response = put(client, headers, statement_id, statement())

    assert response.status_code == 204
    stored = get(client, headers, statementId=statement_id).json()
    assert stored["id"] == statement_id
    assert stored["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"


def test_put_without_statement_id_is_400(client):  # 1.0.3 Part 3 §2.1.1
    response = send(
        client, "PUT", url("statements"), statement(), headers=credentials()
    )

    assert response.status_code == 400


def test_put_with_body_id_different_from_parameter_is_400(client):  # Part 3 §2.1.1
    response = put(client, credentials(), new_id(), statement(id=new_id()))

    assert response.status_code == 400


def test_put_existing_statement_with_same_content_is_204(client):  # Part 3 §2.1.1
    headers = credentials()
    statement_id = new_id()
    put(client, headers, statement_id, statement())

    response = put(client, headers, statement_id, statement())

    assert response.status_code == 204


def test_put_existing_statement_with_different_content_is_409(client):
    # xAPI 1.0.3 Part 3 §2.1.1: statements are immutable.
    headers = credentials()
    statement_id = new_id()
    put(client, headers, statement_id, statement())

    response = put(client, headers, statement_id, statement(verb={"id": ATTEMPTED}))

    assert response.status_code == 409
    stored = get(client, headers, statementId=statement_id).json()
    assert stored["verb"]["id"] != ATTEMPTED


def test_post_single_statement_returns_its_generated_id(client):  # Part 3 §2.1.2
    headers = credentials()

    response = post(client, headers, statement())

    assert response.status_code == 200
    [statement_id] = response.json()
    assert get(client, headers, statementId=statement_id).status_code == 200


def test_post_array_returns_ids_in_order(client):  # Part 3 §2.1.2
    headers = credentials()
    ids = [new_id(), new_id()]

    response = post(client, headers, [statement(id=ids[0]), statement(id=ids[1])])

    assert response.json() == ids


def test_post_batch_with_one_invalid_statement_stores_none(client):
    # Part 3 §2.1.2: a batch is accepted or rejected as a whole.
    headers = credentials()
    good_id = new_id()

    response = post(
        client, headers, [statement(id=good_id), statement(verb={"id": "not an iri"})]
    )

    assert response.status_code == 400
    assert get(client, headers, statementId=good_id).status_code == 404


def test_post_batch_with_duplicate_ids_is_400(client):  # Part 3 §2.1.2
    statement_id = new_id()

    response = post(
        client, credentials(), [statement(id=statement_id), statement(id=statement_id)]
    )

    assert response.status_code == 400


def test_post_existing_id_with_other_content_is_409(client):  # Part 3 §2.1.2
    headers = credentials()
    statement_id = new_id()
    post(client, headers, statement(id=statement_id))

    response = post(client, headers, statement(id=statement_id, verb={"id": ATTEMPTED}))

    assert response.status_code == 409


def test_lrs_sets_stored_authority_and_version(client):
    # 1.0.3 Part 2 §2.4.8-2.4.10: the LRS sets stored and authority, not the client.
    headers = credentials()
    sent = statement(
        stored="2001-01-01T00:00:00Z",
        authority=agent("impostor@example.org"),
    )

    [statement_id] = post(client, headers, sent).json()

    stored = get(client, headers, statementId=statement_id).json()
    assert stored["stored"] != "2001-01-01T00:00:00Z"
    assert stored["authority"]["account"]["name"]
    assert "mbox" not in stored["authority"]
    assert stored["version"] == "1.0.0"
    assert stored["timestamp"]


def test_version_2_statement_gets_version_2_0_0(client):  # IEEE 9274.1.1 §9.7
    headers = credentials(version="2.0.0")

    [statement_id] = post(client, headers, statement()).json()

    stored = get(client, headers, statementId=statement_id).json()
    assert stored["version"] == "2.0.0"


# --- validation (Part 2 §2.4, Part 3 §2.2) ------------------------------------------


INVALID_STATEMENTS = {
    "missing actor": {"verb": {"id": ATTEMPTED}, "object": {"id": "http://x.org/a"}},
    "unknown property": statement(colour="blue"),
    "null property": statement(result=None),
    "agent with two IFIs": statement(
        actor={"mbox": "mailto:a@example.org", "openid": "http://a.example.org"}
    ),
    "agent without IFI": statement(actor={"name": "Nobody"}),
    "mbox without mailto": statement(actor={"mbox": "a@example.org"}),
    "bad mbox_sha1sum": statement(actor={"mbox_sha1sum": "xyz"}),
    "account without homePage": statement(actor={"account": {"name": "a"}}),
    "anonymous group without members": statement(actor={"objectType": "Group"}),
    "group member is a group": statement(
        actor={
            "objectType": "Group",
            "member": [{"objectType": "Group", "mbox": "mailto:g@example.org"}],
        }
    ),
    "verb id not an IRI": statement(verb={"id": "completed"}),
    "verb display not a language map": statement(
        verb={"id": ATTEMPTED, "display": {"not a tag!": "x"}}
    ),
    "activity id missing": statement(object={"objectType": "Activity"}),
    "unknown object type": statement(object={"objectType": "Thing", "id": "x:y"}),
    "agent object without objectType": statement(object={"mbox": "mailto:a@x.org"}),
    "statement ref with bad uuid": statement(
        object={"objectType": "StatementRef", "id": "123"}
    ),
    "nested substatement": statement(
        object={
            "objectType": "SubStatement",
            "actor": agent(),
            "verb": {"id": ATTEMPTED},
            "object": {
                "objectType": "SubStatement",
                "actor": agent(),
                "verb": {"id": ATTEMPTED},
                "object": {"id": "http://x.org/a"},
            },
        }
    ),
    "substatement with id": statement(
        object={
            "objectType": "SubStatement",
            "id": new_id(),
            "actor": agent(),
            "verb": {"id": ATTEMPTED},
            "object": {"id": "http://x.org/a"},
        }
    ),
    "scaled score above 1": statement(result={"score": {"scaled": 1.5}}),
    "raw score above max": statement(
        result={"score": {"raw": 11, "min": 0, "max": 10}}
    ),
    "min not below max": statement(result={"score": {"min": 5, "max": 5}}),
    "success not boolean": statement(result={"success": "yes"}),
    "bad duration": statement(result={"duration": "1 hour"}),
    "registration not uuid": statement(context={"registration": "abc"}),
    "revision with agent object": statement(
        object=agent("other@example.org"), context={"revision": "2"}
    ),
    "extension key not an IRI": statement(context={"extensions": {"colour": "blue"}}),
    "timestamp not ISO 8601": statement(timestamp="yesterday"),
    "timestamp with -00:00 offset": statement(timestamp="2024-01-01T00:00:00-00:00"),
    "bad version": statement(version="0.95"),
    "bad interaction type": statement(
        object={"id": "http://x.org/q", "definition": {"interactionType": "essay"}}
    ),
    "choices on a true-false": statement(
        object={
            "id": "http://x.org/q",
            "definition": {
                "interactionType": "true-false",
                "choices": [{"id": "a", "description": {"en": "A"}}],
            },
        }
    ),
    "contextAgents in 1.0.3": statement(
        context={"contextAgents": [{"objectType": "contextAgent", "agent": agent()}]}
    ),
    "voiding object not a StatementRef": statement(
        verb={"id": VOIDED}, object={"id": "http://x.org/a"}
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID_STATEMENTS))
def test_malformed_statement_is_400_and_not_stored(client, case):
    # 1.0.3 Part 2 §2.4 / Part 3 §2.2 "Statement validation".
    headers = credentials()
    statement_id = new_id()
    sent = {**INVALID_STATEMENTS[case], "id": statement_id}

    response = post(client, headers, sent)

    assert response.status_code == 400, case
    assert response.json()["message"]
    assert get(client, headers, statementId=statement_id).status_code == 404


def test_statement_body_not_json_is_400(client):  # Part 3 §2.2
    response = post(client, credentials(), b"{not json")

    assert response.status_code == 400


def test_context_agents_accepted_in_version_2(client):  # IEEE 9274.1.1 §9.5.3
    headers = credentials(version="2.0.0")
    context = {
        "contextAgents": [
            {
                "objectType": "contextAgent",
                "agent": agent("trainer@example.org"),
                "relevantTypes": ["https://example.org/trainer"],
            }
        ]
    }

    response = post(client, headers, statement(context=context))

    assert response.status_code == 200


def test_substatement_and_interaction_definition_are_accepted(client):  # Part 2 §2.4.4
    headers = credentials()
    sent = statement(
        object={
            "objectType": "SubStatement",
            "actor": agent(),
            "verb": {"id": ATTEMPTED},
            "object": {
                "id": "http://x.org/q1",
                "definition": {
                    "interactionType": "choice",
                    "correctResponsesPattern": ["a"],
                    "choices": [{"id": "a", "description": {"en-US": "A"}}],
                },
            },
        },
        result={"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}},
        timestamp="2024-05-01T10:00:00.123456789+02:00",
    )

    response = post(client, headers, sent)

    assert response.status_code == 200, response.content


# --- headers (Part 3 §3.3 "Versioning") ---------------------------------------------


def test_request_without_version_header_is_400(client):
    # 1.0.3 Part 3 §3.3: every request but /about names the version.
    headers = credentials(version="")

    response = post(client, headers, statement())

    assert response.status_code == 400
    assert response["X-Experience-API-Version"]


@pytest.mark.parametrize("version", ["0.95", "1.1.0", "3.0.0", "banana"])
def test_unsupported_version_header_is_400(client, version):  # Part 3 §3.3
    response = post(client, credentials(version=version), statement())

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("sent", "answered"), [("1.0.3", "1.0.3"), ("1.0", "1.0.3"), ("2.0.0", "2.0.0")]
)
def test_responses_carry_the_version_header(client, sent, answered):  # Part 3 §3.3
    response = get(client, credentials(version=sent))

    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == answered


def test_statement_get_has_consistent_through_header(client):  # Part 3 §2.1.3
    response = get(client, credentials())

    assert "X-Experience-API-Consistent-Through" in response


# --- GET single ---------------------------------------------------------------------


def test_unknown_statement_is_404(client):  # Part 3 §2.1.3
    response = get(client, credentials(), statementId=new_id())

    assert response.status_code == 404


def test_statement_id_with_query_filters_is_400(client):  # Part 3 §2.1.3
    response = get(client, credentials(), statementId=new_id(), verb=ATTEMPTED)

    assert response.status_code == 400


def test_unknown_query_parameter_is_400(client):  # Part 3 §2.1.3
    response = get(client, credentials(), colour="blue")

    assert response.status_code == 400


# --- voiding (Part 2 §2.3.2) --------------------------------------------------------


def voiding(target_id: str) -> dict:
    return statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target_id}
    )


def test_voided_statement_is_fetched_only_by_voided_statement_id(client):
    # 1.0.3 Part 2 §2.3.2 and Part 3 §2.1.4.
    headers = credentials()
    target_id = new_id()
    post(client, headers, statement(id=target_id))

    post(client, headers, voiding(target_id))

    assert get(client, headers, statementId=target_id).status_code == 404
    fetched = get(client, headers, voidedStatementId=target_id)
    assert fetched.status_code == 200
    assert fetched.json()["id"] == target_id


def test_voided_statement_is_excluded_from_queries(client):  # Part 3 §2.1.4
    headers = credentials()
    target_id = new_id()
    post(client, headers, statement(id=target_id))
    voiding_id = new_id()

    post(client, headers, {**voiding(target_id), "id": voiding_id})

    listed = [item["id"] for item in get(client, headers).json()["statements"]]
    assert target_id not in listed
    assert voiding_id in listed


def test_voided_statement_id_of_live_statement_is_404(client):  # Part 3 §2.1.3
    headers = credentials()
    [statement_id] = post(client, headers, statement()).json()

    response = get(client, headers, voidedStatementId=statement_id)

    assert response.status_code == 404


def test_voiding_a_voiding_statement_is_400(client):  # Part 2 §2.3.2
    headers = credentials()
    [target_id] = post(client, headers, statement()).json()
    [voiding_id] = post(client, headers, voiding(target_id)).json()

    response = post(client, headers, voiding(voiding_id))

    assert response.status_code == 400
    assert get(client, headers, statementId=voiding_id).status_code == 200


def test_statement_arriving_after_its_voiding_is_stored_voided(client):
    # Part 2 §2.3.2: the LRS must not reject a voiding statement whose target is
    # unknown; when the target arrives, it is already voided.
    headers = credentials()
    target_id = new_id()
    post(client, headers, voiding(target_id))

    post(client, headers, statement(id=target_id))

    assert get(client, headers, statementId=target_id).status_code == 404
    assert get(client, headers, voidedStatementId=target_id).status_code == 200


# --- queries (Part 3 §2.1.3) --------------------------------------------------------


def listed_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["statements"]]


def test_query_filters_by_verb(client):  # Part 3 §2.1.3 "verb"
    headers = credentials()
    [completed] = post(client, headers, statement()).json()
    [attempted] = post(client, headers, statement(verb={"id": ATTEMPTED})).json()

    found = listed_ids(get(client, headers, verb=ATTEMPTED))

    assert found == [attempted]
    assert completed not in found


def test_query_filters_by_agent_as_actor_or_object(client):  # Part 3 §2.1.3 "agent"
    headers = credentials()
    [as_actor] = post(client, headers, statement(actor=agent("a@example.org"))).json()
    [as_object] = post(client, headers, statement(object=agent("a@example.org"))).json()
    [other] = post(client, headers, statement(actor=agent("b@example.org"))).json()

    found = listed_ids(get(client, headers, agent=agent("a@example.org")))

    assert sorted(found) == sorted([as_actor, as_object])
    assert other not in found


def test_related_agents_widens_agent_to_instructor_and_authority(client):
    # Part 3 §2.1.3 "related_agents".
    headers = credentials()
    instructor = agent("trainer@example.org")
    [taught] = post(
        client, headers, statement(context={"instructor": instructor})
    ).json()

    narrow = listed_ids(get(client, headers, agent=instructor))
    wide = listed_ids(get(client, headers, agent=instructor, related_agents="true"))

    assert taught not in narrow
    assert wide == [taught]


def test_query_filters_by_activity_and_related_activities(client):
    # Part 3 §2.1.3 "activity", "related_activities".
    headers = credentials()
    course = "https://learning.example.org/courses/ct-101"
    lesson = {"id": "https://learning.example.org/lessons/1"}
    [in_course] = post(
        client,
        headers,
        statement(
            object=lesson, context={"contextActivities": {"parent": [{"id": course}]}}
        ),
    ).json()
    [on_course] = post(client, headers, statement()).json()

    direct = listed_ids(get(client, headers, activity=course))
    related = listed_ids(
        get(client, headers, activity=course, related_activities="true")
    )

    assert direct == [on_course]
    assert sorted(related) == sorted([in_course, on_course])


def test_query_filters_by_registration(client):  # Part 3 §2.1.3 "registration"
    headers = credentials()
    registration = new_id()
    [registered] = post(
        client, headers, statement(context={"registration": registration})
    ).json()
    post(client, headers, statement())

    assert listed_ids(get(client, headers, registration=registration)) == [registered]


def test_statement_ref_matches_filter_of_its_target(client):
    # Part 3 §2.1.3 "Filter Conditions for StatementRefs".
    headers = credentials()
    [target] = post(client, headers, statement(verb={"id": ATTEMPTED})).json()
    referring = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
        object={"objectType": "StatementRef", "id": target},
    )
    [reference] = post(client, headers, referring).json()

    found = listed_ids(get(client, headers, verb=ATTEMPTED))

    assert sorted(found) == sorted([target, reference])


def test_since_until_and_ascending_order(client):  # Part 3 §2.1.3 since/until/ascending
    headers = credentials()
    [first] = post(client, headers, statement()).json()
    middle_stored = get(client, headers, statementId=first).json()["stored"]
    [second] = post(client, headers, statement()).json()

    after = listed_ids(get(client, headers, since=middle_stored))
    until = listed_ids(get(client, headers, until=middle_stored))
    ascending = listed_ids(get(client, headers, ascending="true"))

    assert after == [second]
    assert until == [first]
    assert ascending == [first, second]


def test_limit_pages_with_more_url_until_exhausted(client):
    # Part 3 §2.1.3 "limit" and the StatementResult "more" IRL.
    headers = credentials()
    ids = post(client, headers, [statement() for _ in range(5)]).json()

    seen = []
    response = get(client, headers, limit=2)
    pages = 0
    while True:
        pages += 1
        body = response.json()
        seen += [item["id"] for item in body["statements"]]
        if not body["more"]:
            break
        response = client.get(body["more"], headers=headers)

    assert pages == 3
    assert sorted(seen) == sorted(ids)


def test_format_ids_reduces_agents_activities_and_verbs(client):
    # Part 3 §2.1.3 "format=ids".
    headers = credentials()
    [statement_id] = post(client, headers, statement()).json()

    found = get(client, headers, statementId=statement_id, format="ids").json()

    assert found["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:learner@example.org",
    }
    assert found["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert "definition" not in found["object"]


def test_format_canonical_keeps_one_language(client):
    # Part 3 §2.1.3 "format=canonical" with Accept-Language.
    headers = {**credentials(), "Accept-Language": "fr"}
    [statement_id] = post(client, headers, statement()).json()

    found = get(client, headers, statementId=statement_id, format="canonical").json()

    assert found["verb"]["display"] == {"fr": "a terminé"}


@pytest.mark.parametrize(
    "params",
    [
        {"format": "full"},
        {"limit": "-1"},
        {"ascending": "yes"},
        {"agent": "not json"},
        {"agent": json.dumps({"objectType": "Group"})},
        {"since": "last week"},
        {"registration": "abc"},
        {"verb": "completed"},
    ],
)
def test_malformed_query_parameter_is_400(client, params):  # Part 3 §2.1.3
    response = client.get(url("statements", **params), headers=credentials())

    assert response.status_code == 400


@pytest.mark.parametrize("size", [3, 30])
def test_statement_query_count_is_constant(client, size):
    # Selectors own the query shape: one page costs the same at any size.
    headers = credentials()
    post(client, headers, [statement() for _ in range(size)])

    with CaptureQueriesContext(connection) as queries:
        response = get(client, headers, agent=agent(), verb=statement()["verb"]["id"])

    assert len(response.json()["statements"]) == size
    assert len(queries) == 2  # the client, then the page


@pytest.mark.parametrize("size", [1, 20])
def test_statement_batch_insert_query_count_is_constant(client, size):
    headers = credentials()
    client.get(url("about"))

    with CaptureQueriesContext(connection) as queries:
        response = post(client, headers, [statement() for _ in range(size)])

    assert response.status_code == 200
    assert len(queries) <= 12


# --- alternate request syntax (1.0.3 Part 3 §1.3) ---------------------------------


def test_alternate_request_syntax_put(client):  # 1.0.3 Part 3 §1.3
    headers = credentials()
    statement_id = new_id()
    form = {
        "statementId": statement_id,
        "content": json.dumps(statement()),
        "Content-Type": "application/json",
        "Authorization": headers["Authorization"],
        "X-Experience-API-Version": "1.0.3",
    }

    response = client.post(
        "/xapi/statements?method=PUT",
        data=form_encoded(form),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 204
    assert get(client, headers, statementId=statement_id).status_code == 200


def test_alternate_request_syntax_with_other_query_parameters_is_400(client):
    # 1.0.3 Part 3 §1.3: everything but method travels in the form body.
    headers = credentials()

    response = client.post(
        f"/xapi/statements?method=GET&statementId={new_id()}",
        data=form_encoded(
            {
                "Authorization": headers["Authorization"],
                "X-Experience-API-Version": "1.0.3",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


def form_encoded(form: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(form)
