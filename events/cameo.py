"""CAMEO and PLOVER categories per event type, so the log can be joined to GDELT/ICEWS data.

A mapping of our vocabulary onto the nearest category; it is derived, never stored.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Category(NamedTuple):
    cameo: str
    cameo_label: str
    plover: str


_BY_TYPE: dict[str, Category] = {
    "meeting_scheduled": Category("036", "Express intent to meet or negotiate", "CONSULT"),
    "meeting_held": Category("043", "Host or receive a visit / meet", "CONSULT"),
    "meeting_postponed": Category("036", "Express intent to meet or negotiate", "CONSULT"),
    "meeting_cancelled": Category("125", "Reject proposal to meet, discuss or negotiate", "REJECT"),
    "proposal_tabled": Category("036", "Express intent to meet or negotiate", "PROPOSE"),
    "agreement_reached": Category("057", "Sign formal agreement", "AGREE"),
    "seat_demanded": Category("104", "Demand political reform / change in institutions", "DEMAND"),
    "party_excluded": Category("125", "Reject proposal to meet, discuss or negotiate", "REJECT"),
    "mediation_offered": Category("039", "Express intent to mediate", "COOPERATE"),
    "analysis_published": Category("010", "Make statement", "STATEMENT"),
    "commitment_progress": Category("080", "Yield", "COOPERATE"),
}
_STATEMENT = {
    "supports": Category("051", "Praise or endorse", "SUPPORT"),
    "opposes": Category("111", "Criticize or denounce", "DISAPPROVE"),
    "conditional": Category("014", "Consider policy option", "STATEMENT"),
    "neutral": Category("010", "Make statement", "STATEMENT"),
}


def category(body: dict[str, Any]) -> Category | None:
    """The category of an event body, or None for record-keeping events (corrections, ...)."""
    etype = body.get("type")
    if etype == "statement_made":
        return _STATEMENT.get(body.get("stance", "neutral"))
    if etype == "meeting_held" and body.get("host") and body["host"] not in body.get("participants", []):
        return Category("044", "Meet at third location", "CONSULT")
    return _BY_TYPE.get(str(etype))
