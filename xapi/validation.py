"""Statement validation: xAPI 1.0.3 Part 2 §2.4 and IEEE 9274.1.1 (xAPI 2.0) §9.

Every function raises `XapiError` (400) with the JSON path of the first problem.
"""

import re
import uuid
from datetime import UTC, datetime

from xapi.errors import XapiError

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
VERB_KEYS = {"id", "display"}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
INTERACTION_TYPES = {
    "true-false": set(),
    "choice": {"choices"},
    "fill-in": set(),
    "long-fill-in": set(),
    "matching": {"source", "target"},
    "performance": {"steps"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "numeric": set(),
    "other": set(),
}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
ATTACHMENT_KEYS = {
    "usageType",
    "display",
    "description",
    "contentType",
    "length",
    "sha2",
    "fileUrl",
}

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_HEX = re.compile(r"^[0-9a-fA-F]{56,128}$")
# RFC 5646 §2.1 well-formed tags: langtag, private use, or grandfathered.
_LANGUAGE = r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"
_LANGTAG = (
    rf"{_LANGUAGE}(?:-[A-Za-z]{{4}})?(?:-(?:[A-Za-z]{{2}}|[0-9]{{3}}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
)
_PRIVATE_USE = r"[xX](?:-[A-Za-z0-9]{1,8})+"
_GRANDFATHERED = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|"
    "i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|"
    "cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
LANGUAGE_TAG = re.compile(
    rf"^(?:{_LANGTAG}|{_PRIVATE_USE}|{_GRANDFATHERED})$", re.IGNORECASE
)
UUID_TEXT = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
MEDIA_TYPE = re.compile(r"^[\w.+\-]+/[\w.+\-]+(\s*;.*)?$")
# ISO 8601 extended (2008-09-15T15:53:00.601Z) or basic (20080915T155300.601Z)
# form; RFC 3339 also allows a space between date and time.
TIMESTAMP = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}|\d{8}[Tt]\d{6})(\.\d+)?"
    r"([Zz]|[+\-]\d{2}:?\d{2}|[+\-]\d{2})?$"
)
# ISO 8601:2004 §4.4.3.2: weeks stand alone (P4W), never with other designators.
DURATION = re.compile(
    r"^P(?:\d+(?:\.\d+)?W|(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?!$)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?)$"
)
VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


def fail(path: str, problem: str) -> None:
    raise XapiError(f"{path}: {problem}")


def require_object(value, path: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    return value


def check_keys(value: dict, allowed: set[str], path: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        fail(path, f"unknown properties {', '.join(unknown)}")
    for key, item in value.items():
        if item is None:
            fail(f"{path}.{key}", "must not be null")


def check_string(value, path: str) -> None:
    if not isinstance(value, str):
        fail(path, "must be a string")


def check_iri(value, path: str) -> None:
    if not isinstance(value, str) or not IRI.match(value):
        fail(path, "must be an absolute IRI")


def check_uuid(value, path: str) -> None:
    if not isinstance(value, str) or not UUID_TEXT.match(value):
        fail(path, "must be a UUID")


def check_bool(value, path: str) -> None:
    if not isinstance(value, bool):
        fail(path, "must be true or false")


def check_number(value, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "must be a number")


def is_language_tag(tag) -> bool:
    """A well-formed RFC 5646 tag: the grammar, and no extension singleton twice."""
    if not isinstance(tag, str) or not LANGUAGE_TAG.match(tag):
        return False
    singletons = []
    for subtag in tag.lower().split("-")[1:]:
        if subtag == "x":
            break
        if len(subtag) == 1:
            singletons.append(subtag)
    return len(singletons) == len(set(singletons))


def check_language_map(value, path: str) -> None:
    require_object(value, path)
    for tag, text in value.items():
        if not is_language_tag(tag):
            fail(path, f"{tag!r} is not an RFC 5646 language tag")
        check_string(text, f"{path}.{tag}")


def check_extensions(value, path: str) -> None:
    require_object(value, path)
    for key in value:
        check_iri(key, f"{path} key {key!r}")


def parse_timestamp(value, path: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is taken as UTC."""
    if not isinstance(value, str):
        fail(path, "must be an ISO 8601 timestamp")
    match = TIMESTAMP.match(value)
    if not match:
        fail(path, "must be an ISO 8601 timestamp")
    offset = match.group(2)
    if offset in ("-00:00", "-0000", "-00"):
        fail(path, "must not use the unknown-offset -00:00")
    text = value.replace("t", "T").replace("z", "Z")
    fraction = match.group(1)
    if fraction and len(fraction) > 7:  # fromisoformat keeps microseconds only
        text = text.replace(fraction, fraction[:7], 1)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(path, "is not a valid date and time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def check_timestamp(value, path: str) -> None:
    parse_timestamp(value, path)


def check_agent(value, path: str, *, object_position: bool = False) -> None:
    """An Agent: exactly one inverse functional identifier (Part 2 §2.4.2.1)."""
    agent = require_object(value, path)
    check_keys(agent, AGENT_KEYS, path)
    if "objectType" in agent and agent["objectType"] != "Agent":
        fail(f"{path}.objectType", "must be 'Agent'")
    if object_position and agent.get("objectType") != "Agent":
        fail(f"{path}.objectType", "is required for an Agent used as an object")
    if "name" in agent:
        check_string(agent["name"], f"{path}.name")
    check_ifi(agent, path, required=True)


def check_ifi(agent: dict, path: str, *, required: bool) -> None:
    present = [key for key in IFI_KEYS if key in agent]
    if len(present) > 1:
        fail(path, "must have exactly one inverse functional identifier")
    if not present:
        if required:
            fail(path, "needs an inverse functional identifier (mbox, ...)")
        return
    key = present[0]
    value = agent[key]
    if key == "mbox" and (not isinstance(value, str) or not MBOX.match(value)):
        fail(f"{path}.mbox", "must be a mailto: IRI")
    if key == "mbox_sha1sum" and (
        not isinstance(value, str) or not SHA1_HEX.match(value)
    ):
        fail(f"{path}.mbox_sha1sum", "must be a hex SHA-1")
    if key == "openid":
        check_iri(value, f"{path}.openid")
    if key == "account":
        account = require_object(value, f"{path}.account")
        check_keys(account, {"homePage", "name"}, f"{path}.account")
        if "homePage" not in account or "name" not in account:
            fail(f"{path}.account", "needs homePage and name")
        check_iri(account["homePage"], f"{path}.account.homePage")
        check_string(account["name"], f"{path}.account.name")


def check_group(value, path: str) -> None:
    """A Group: anonymous (members only) or identified (one IFI)."""
    group = require_object(value, path)
    check_keys(group, GROUP_KEYS, path)
    if group.get("objectType") != "Group":
        fail(f"{path}.objectType", "must be 'Group'")
    if "name" in group:
        check_string(group["name"], f"{path}.name")
    check_ifi(group, path, required=False)
    identified = any(key in group for key in IFI_KEYS)
    if "member" in group:
        members = group["member"]
        if not isinstance(members, list):
            fail(f"{path}.member", "must be an array of Agents")
        if not identified and not members:
            fail(f"{path}.member", "an anonymous Group needs members")
        for index, member in enumerate(members):
            check_agent(member, f"{path}.member[{index}]")
    elif not identified:
        fail(path, "an anonymous Group needs a member list")


def check_actor(value, path: str, *, object_position: bool = False) -> None:
    actor = require_object(value, path)
    if actor.get("objectType") == "Group":
        check_group(actor, path)
    else:
        check_agent(actor, path, object_position=object_position)


def check_verb(value, path: str) -> None:
    verb = require_object(value, path)
    check_keys(verb, VERB_KEYS, path)
    if "id" not in verb:
        fail(f"{path}.id", "is required")
    check_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        check_language_map(verb["display"], f"{path}.display")


def check_interaction_components(value, path: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be an array")
    seen = set()
    for index, component in enumerate(value):
        item_path = f"{path}[{index}]"
        require_object(component, item_path)
        check_keys(component, {"id", "description"}, item_path)
        if "id" not in component:
            fail(f"{item_path}.id", "is required")
        check_string(component["id"], f"{item_path}.id")
        if component["id"] in seen:
            fail(f"{item_path}.id", "must be unique in its list")
        seen.add(component["id"])
        if "description" in component:
            check_language_map(component["description"], f"{item_path}.description")


def check_definition(value, path: str) -> None:
    definition = require_object(value, path)
    check_keys(definition, DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in definition:
            check_language_map(definition[key], f"{path}.{key}")
    if "type" in definition:
        check_iri(definition["type"], f"{path}.type")
    if "moreInfo" in definition:
        check_iri(definition["moreInfo"], f"{path}.moreInfo")
    if "extensions" in definition:
        check_extensions(definition["extensions"], f"{path}.extensions")
    component_keys = {"choices", "scale", "source", "target", "steps"}
    interaction_type = definition.get("interactionType")
    if interaction_type is None:
        if "correctResponsesPattern" in definition or component_keys & set(definition):
            fail(path, "interaction properties need an interactionType")
        return
    check_string(interaction_type, f"{path}.interactionType")
    if interaction_type not in INTERACTION_TYPES:
        fail(f"{path}.interactionType", "is not an xAPI interaction type")
    allowed = INTERACTION_TYPES[interaction_type]
    for key in component_keys & set(definition):
        if key not in allowed:
            fail(f"{path}.{key}", f"is not allowed for {interaction_type}")
        check_interaction_components(definition[key], f"{path}.{key}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list):
            fail(f"{path}.correctResponsesPattern", "must be an array of strings")
        for index, response in enumerate(pattern):
            check_string(response, f"{path}.correctResponsesPattern[{index}]")


def check_activity(value, path: str) -> None:
    activity = require_object(value, path)
    check_keys(activity, ACTIVITY_KEYS, path)
    if "objectType" in activity and activity["objectType"] != "Activity":
        fail(f"{path}.objectType", "must be 'Activity'")
    if "id" not in activity:
        fail(f"{path}.id", "is required")
    check_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        check_definition(activity["definition"], f"{path}.definition")


def check_statement_ref(value, path: str) -> None:
    reference = require_object(value, path)
    check_keys(reference, {"objectType", "id"}, path)
    if reference.get("objectType") != "StatementRef":
        fail(f"{path}.objectType", "must be 'StatementRef'")
    if "id" not in reference:
        fail(f"{path}.id", "is required")
    check_uuid(reference["id"], f"{path}.id")


def check_object(value, path: str, *, version: str, nested: bool) -> str:
    """Validate a statement's object; return its objectType."""
    target = require_object(value, path)
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        check_activity(target, path)
    elif object_type == "Agent":
        check_agent(target, path, object_position=True)
    elif object_type == "Group":
        check_group(target, path)
    elif object_type == "StatementRef":
        check_statement_ref(target, path)
    elif object_type == "SubStatement":
        if nested:
            fail(path, "a SubStatement must not contain another SubStatement")
        check_keys(target, SUBSTATEMENT_KEYS, path)
        check_statement_body(target, path, version=version, substatement=True)
    else:
        fail(f"{path}.objectType", f"{object_type!r} is not an xAPI object type")
    return object_type


def check_result(value, path: str) -> None:
    result = require_object(value, path)
    check_keys(result, RESULT_KEYS, path)
    if "score" in result:
        score = require_object(result["score"], f"{path}.score")
        check_keys(score, SCORE_KEYS, f"{path}.score")
        for key in score:
            check_number(score[key], f"{path}.score.{key}")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high = score.get("min"), score.get("max")
        if low is not None and high is not None and low >= high:
            fail(f"{path}.score.min", "must be less than max")
        raw = score.get("raw")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            fail(f"{path}.score.raw", "must lie between min and max")
    for key in ("success", "completion"):
        if key in result:
            check_bool(result[key], f"{path}.{key}")
    if "response" in result:
        check_string(result["response"], f"{path}.response")
    if "duration" in result:
        duration = result["duration"]
        if not isinstance(duration, str) or not DURATION.match(duration):
            fail(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in result:
        check_extensions(result["extensions"], f"{path}.extensions")


def check_context(value, path: str, *, version: str, object_type: str) -> None:
    context = require_object(value, path)
    check_keys(context, CONTEXT_KEYS_2 if version == "2" else CONTEXT_KEYS, path)
    if "registration" in context:
        check_uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        check_actor(context["instructor"], f"{path}.instructor")
    if "team" in context:
        check_group(context["team"], f"{path}.team")
    if "contextActivities" in context:
        activities_path = f"{path}.contextActivities"
        activities = require_object(context["contextActivities"], activities_path)
        if not activities:
            fail(activities_path, "must not be empty")
        check_keys(activities, CONTEXT_ACTIVITY_KEYS, activities_path)
        for key, item in activities.items():
            items = item if isinstance(item, list) else [item]
            for index, activity in enumerate(items):
                check_activity(activity, f"{activities_path}.{key}[{index}]")
    for key in ("revision", "platform"):
        if key in context:
            check_string(context[key], f"{path}.{key}")
            if object_type != "Activity":
                fail(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in context and not is_language_tag(context["language"]):
        fail(f"{path}.language", "must be an RFC 5646 language tag")
    if "statement" in context:
        check_statement_ref(context["statement"], f"{path}.statement")
    if "extensions" in context:
        check_extensions(context["extensions"], f"{path}.extensions")
    for key, actor_key in (("contextAgents", "agent"), ("contextGroups", "group")):
        if key not in context:
            continue
        items = context[key]
        if not isinstance(items, list):
            fail(f"{path}.{key}", "must be an array")
        for index, item in enumerate(items):
            item_path = f"{path}.{key}[{index}]"
            require_object(item, item_path)
            check_keys(item, {"objectType", actor_key, "relevantTypes"}, item_path)
            expected = "contextAgent" if actor_key == "agent" else "contextGroup"
            if item.get("objectType") != expected:
                fail(f"{item_path}.objectType", f"must be '{expected}'")
            if actor_key not in item:
                fail(f"{item_path}.{actor_key}", "is required")
            if actor_key == "agent":
                check_agent(item["agent"], f"{item_path}.agent")
            else:
                check_group(item["group"], f"{item_path}.group")
            if "relevantTypes" in item:
                types = item["relevantTypes"]
                if not isinstance(types, list) or not types:
                    fail(f"{item_path}.relevantTypes", "must be a non-empty array")
                for type_index, iri in enumerate(types):
                    check_iri(iri, f"{item_path}.relevantTypes[{type_index}]")


def check_attachments(value, path: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be an array")
    for index, attachment in enumerate(value):
        item_path = f"{path}[{index}]"
        require_object(attachment, item_path)
        check_keys(attachment, ATTACHMENT_KEYS, item_path)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                fail(f"{item_path}.{key}", "is required")
        check_iri(attachment["usageType"], f"{item_path}.usageType")
        check_language_map(attachment["display"], f"{item_path}.display")
        if "description" in attachment:
            check_language_map(attachment["description"], f"{item_path}.description")
        content_type = attachment["contentType"]
        if not isinstance(content_type, str) or not MEDIA_TYPE.match(content_type):
            fail(f"{item_path}.contentType", "must be an Internet media type")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            fail(f"{item_path}.length", "must be a non-negative integer")
        if not isinstance(attachment["sha2"], str) or not SHA2_HEX.match(
            attachment["sha2"]
        ):
            fail(f"{item_path}.sha2", "must be a hex SHA-2 digest")
        if "fileUrl" in attachment:
            check_iri(attachment["fileUrl"], f"{item_path}.fileUrl")


def check_statement_body(
    statement: dict, path: str, *, version: str, substatement: bool
) -> None:
    for key in ("actor", "verb", "object"):
        if key not in statement:
            fail(f"{path}.{key}", "is required")
    check_actor(statement["actor"], f"{path}.actor")
    check_verb(statement["verb"], f"{path}.verb")
    object_type = check_object(
        statement["object"], f"{path}.object", version=version, nested=substatement
    )
    if statement["verb"]["id"] == VOIDED_VERB and object_type != "StatementRef":
        fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in statement:
        check_result(statement["result"], f"{path}.result")
    if "context" in statement:
        check_context(
            statement["context"],
            f"{path}.context",
            version=version,
            object_type=object_type,
        )
    if "timestamp" in statement:
        check_timestamp(statement["timestamp"], f"{path}.timestamp")
    if "attachments" in statement:
        check_attachments(statement["attachments"], f"{path}.attachments")


def check_authority(value, path: str) -> None:
    """An Agent, or an OAuth Group of exactly two Agents (Part 2 §2.4.9)."""
    check_actor(value, path)
    if value.get("objectType") == "Group" and len(value.get("member", [])) != 2:
        fail(f"{path}.member", "an authority Group has exactly two Agents")


def validate_statement(statement, *, version: str) -> dict:
    """Check one statement against the xAPI rules for `version` ("1" or "2")."""
    path = "statement"
    require_object(statement, path)
    check_keys(statement, STATEMENT_KEYS, path)
    if "id" in statement:
        check_uuid(statement["id"], f"{path}.id")
    check_statement_body(statement, path, version=version, substatement=False)
    if "authority" in statement:
        check_authority(statement["authority"], f"{path}.authority")
    if "stored" in statement:
        check_timestamp(statement["stored"], f"{path}.stored")
    if "version" in statement and (
        not isinstance(statement["version"], str)
        or not VERSION.match(statement["version"])
    ):
        fail(f"{path}.version", "must be a 1.0.x or 2.0.x version")
    return statement


def normalise_uuid(value: str) -> str:
    return str(uuid.UUID(value))
