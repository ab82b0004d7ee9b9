"""What other apps may ask of the xAPI store: plain data, no models."""

from xapi import platform

__all__ = ["activity_iri", "learner_agent"]


def learner_agent(user) -> dict:
    """The xAPI Agent that names `user` in statements (for launching content).

    An account on SITE_URL with an opaque, stable name, never the e-mail address;
    statements an external module sends with this agent count for this learner.
    """
    name = platform.agent_accounts({user.pk})[user.pk]
    return platform.learner_agent(name)


def activity_iri(kind: str, key: str) -> str:
    """The activity IRI of a platform object, e.g. ("lesson", translation key).

    A "completed" or "passed" statement about a course or lesson IRI, sent by an
    external module for a platform learner, completes it on the platform.
    """
    return platform.activity_iri(kind, key)
