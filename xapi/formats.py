"""Pure helpers over statement JSON: identifiers, query indexes, output formats."""

import copy

from xapi.validation import IFI_KEYS, parse_timestamp

# Properties the LRS sets or that do not take part in "same statement" (Part 2 §2.4).
IGNORED_IN_COMPARISON = ("id", "authority", "stored", "version")


def ifi_key(agent: dict) -> str | None:
    """A stable text key for an Agent's or identified Group's IFI and objectType."""
    object_type = agent.get("objectType", "Agent")
    for key in IFI_KEYS:
        if key in agent:
            value = agent[key]
            if key == "account":
                value = f"{value.get('homePage')}|{value.get('name')}"
            return f"{object_type}|{key}|{value}"
    return None


def agent_keys(actor: dict, *, with_members: bool) -> set[str]:
    keys = set()
    key = ifi_key(actor)
    if key:
        keys.add(key)
    if with_members or not key:
        # An anonymous Group is known only by its members.
        for member in actor.get("member", []):
            member_key = ifi_key(member)
            if member_key:
                keys.add(member_key)
    return keys


def statement_agents(statement: dict) -> tuple[set[str], set[str]]:
    """(actor/object agents, every agent anywhere): the `agent` query indexes."""
    direct = agent_keys(statement["actor"], with_members=False)
    target = statement["object"]
    if target.get("objectType") in ("Agent", "Group"):
        direct |= agent_keys(target, with_members=False)
    related = set(direct)
    related |= agent_keys(statement["actor"], with_members=True)
    for part in (statement, target if is_substatement(target) else {}):
        if not part:
            continue
        related |= agent_keys(part["actor"], with_members=True)
        inner = part["object"]
        if inner.get("objectType") in ("Agent", "Group"):
            related |= agent_keys(inner, with_members=True)
        context = part.get("context", {})
        for key in ("instructor", "team"):
            if key in context:
                related |= agent_keys(context[key], with_members=True)
        for item in context.get("contextAgents", []):
            related |= agent_keys(item["agent"], with_members=True)
        for item in context.get("contextGroups", []):
            related |= agent_keys(item["group"], with_members=True)
    if "authority" in statement:
        related |= agent_keys(statement["authority"], with_members=True)
    return direct, related


def is_substatement(target: dict) -> bool:
    return target.get("objectType") == "SubStatement"


def context_activity_list(context: dict) -> list[dict]:
    found = []
    for value in context.get("contextActivities", {}).values():
        found.extend(value if isinstance(value, list) else [value])
    return found


def context_activities_as_lists(part: dict) -> dict:
    """A statement or SubStatement with each contextActivities value an array."""
    activities = part.get("context", {}).get("contextActivities")
    if not isinstance(activities, dict):
        return dict(part)
    listed = {
        key: value if isinstance(value, list) else [value]
        for key, value in activities.items()
    }
    return {**part, "context": {**part["context"], "contextActivities": listed}}


def with_context_activity_lists(statement: dict) -> dict:
    """The statement as the LRS returns it: contextActivities always in arrays.

    A client may send a single Activity (Part 2 §2.4.6.2, XAPI-00096), in the
    statement or in a SubStatement object.
    """
    result = context_activities_as_lists(statement)
    if isinstance(result.get("object"), dict) and is_substatement(result["object"]):
        result["object"] = context_activities_as_lists(result["object"])
    return result


def statement_activities(statement: dict) -> tuple[str | None, set[str]]:
    """(object activity id, every activity id anywhere): the `activity` indexes."""
    target = statement["object"]
    direct = (
        target["id"] if target.get("objectType", "Activity") == "Activity" else None
    )
    related = {direct} if direct else set()
    parts = [statement]
    if is_substatement(target):
        parts.append(target)
        inner = target["object"]
        if inner.get("objectType", "Activity") == "Activity":
            related.add(inner["id"])
    for part in parts:
        related |= {
            item["id"] for item in context_activity_list(part.get("context", {}))
        }
    return direct, related


def statement_activity_objects(statement: dict) -> list[dict]:
    """Every Activity object in a statement, for the canonical definitions."""
    found = []
    parts = [statement]
    target = statement["object"]
    if is_substatement(target):
        parts.append(target)
    for part in parts:
        inner = part["object"]
        if inner.get("objectType", "Activity") == "Activity":
            found.append(inner)
        found.extend(context_activity_list(part.get("context", {})))
    return found


def comparable(statement: dict) -> dict:
    """A statement reduced to what must match for two to be "the same"."""
    reduced = {
        key: value
        for key, value in with_context_activity_lists(statement).items()
        if key not in IGNORED_IN_COMPARISON
    }
    if "timestamp" in reduced:
        reduced["timestamp"] = parse_timestamp(reduced["timestamp"], "timestamp")
    return reduced


def statements_match(first: dict, second: dict) -> bool:
    return comparable(first) == comparable(second)


# --- output formats (Part 3 §2.1.3 "format") -------------------------------------


def ids_actor(actor: dict) -> dict:
    reduced = {"objectType": actor.get("objectType", "Agent")}
    for key in IFI_KEYS:
        if key in actor:
            reduced[key] = actor[key]
    if "member" in actor and not any(key in actor for key in IFI_KEYS):
        reduced["member"] = [ids_actor(member) for member in actor["member"]]
    return reduced


def ids_object(target: dict) -> dict:
    # An Activity is identified by its id alone: its objectType is optional
    # (XAPI-00171 counts the keys).
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": target["id"]}
    if object_type in ("Agent", "Group"):
        return ids_actor(target)
    if object_type == "SubStatement":
        return ids_body(target)
    return target


def ids_body(statement: dict) -> dict:
    result = dict(statement)
    result["actor"] = ids_actor(statement["actor"])
    result["verb"] = {"id": statement["verb"]["id"]}
    result["object"] = ids_object(statement["object"])
    if "context" in statement:
        context = dict(statement["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = ids_actor(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [
                    {"id": item["id"]}
                    for item in (value if isinstance(value, list) else [value])
                ]
                for key, value in context["contextActivities"].items()
            }
        result["context"] = context
    return result


def format_ids(statement: dict) -> dict:
    result = ids_body(statement)
    if "authority" in statement:
        result["authority"] = ids_actor(statement["authority"])
    return result


LANGUAGE_MAP_PATHS = ("display", "name", "description")


def pick_language(language_map: dict, preferred: list[str]) -> dict:
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in preferred:
        wanted = wanted.lower()
        if wanted in lowered:
            tag = lowered[wanted]
            return {tag: language_map[tag]}
        for tag_lower, tag in lowered.items():
            if tag_lower.split("-")[0] == wanted.split("-")[0]:
                return {tag: language_map[tag]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def format_canonical(
    statement: dict, preferred: list[str], definitions: dict | None = None
) -> dict:
    """Activities with the LRS's canonical `definitions` (by activity id, when
    given), and every language map reduced to the one language the client prefers
    (Part 3 §2.1.3 "format", XAPI-00169).
    """
    result = copy.deepcopy(statement)
    if definitions:
        for activity in statement_activity_objects(result):
            canonical = definitions.get(activity["id"])
            if canonical:
                activity["definition"] = copy.deepcopy(canonical)

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "extensions":
                    continue
                is_language_map = isinstance(value, dict) and all(
                    isinstance(text, str) for text in value.values()
                )
                if key in LANGUAGE_MAP_PATHS and is_language_map:
                    node[key] = pick_language(value, preferred)
                    continue
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result)
    return result


def merge_definitions(old: dict, new: dict) -> dict:
    """The canonical Activity definition: newer properties win, language maps merge."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged
