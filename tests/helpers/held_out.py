"""A held-out negotiation written for the tests (issue 17): invented states, the shape of a
multi-year nuclear negotiation. An interim deal, a deadline extended five times and met by the
final agreement, a framework countered and accepted, a border ceasefire violated and ended,
sanctions imposed, eased and lifted, one party's withdrawal and a broken commitment.

Aurelia (aur), Borealis (bor) and Galdor (gal) negotiate; Luxor (lux) mediates."""

from __future__ import annotations

from typing import Any

from gen import event_id

TRACK = "atom-talks"
_n = 0


def day(text: str) -> dict[str, str]:
    return {"earliest": text, "latest": text, "precision": "day"}


def ev(event_type: str, when: str, summary: str, **fields: Any) -> dict[str, Any]:
    global _n
    _n += 1
    return {"id": event_id("held-out", _n), "type": event_type, "occurred": day(when), "tracks": [TRACK],
            "summary": summary, "sources": [{"outlet": "Test Wire"}], **fields}


def events() -> list[dict[str, Any]]:
    global _n
    _n = 0
    out = [
        ev("track_opened", "2012-06-01", "Talks on Borealis' enrichment open", track=TRACK, title="Atom talks",
           initial_status="exploratory", agenda=["enrichment", "sanctions"]),
        ev("sanctions_changed", "2012-07-01", "Aurelia bans Borealian oil", sanctions="oil-embargo", action="imposed",
           by=["aur"], on=["bor"], measure="oil embargo"),
        ev("meeting_held", "2013-10-15", "First round in Luxor", meeting="round-1", title="Round 1",
           participants=["aur", "bor", "gal"], mediators=["lux"], format="in_person", round=1, kind="talks"),
        ev("agreement_reached", "2013-11-24", "Interim deal", agreement="interim", title="Interim deal",
           parties=["aur", "bor", "gal"], commitments=[
               {"id": "cap", "text": "Cap enrichment at 5%", "owners": ["bor"]},
               {"id": "relief", "text": "Ease the oil embargo", "owners": ["aur"]}]),
        ev("deadline_set", "2013-11-24", "Final deal due in July", deadline="final-deal",
           title="Final agreement", due=day("2014-07-20"), set_by=["aur", "bor", "gal"]),
        ev("sanctions_changed", "2014-01-20", "Aurelia eases the oil embargo", sanctions="oil-embargo",
           action="eased", by=["aur"], on=["bor"]),
        ev("ceasefire_declared", "2014-03-01", "Border truce", ceasefire="border-truce", parties=["aur", "bor"],
           scope="northern border", starts=day("2014-03-02")),
        ev("ceasefire_violated", "2014-05-01", "Shelling across the border", ceasefire="border-truce", by=["bor"]),
        ev("deadline_extended", "2014-07-19", "Deadline extended to November", deadline="final-deal",
           to_date=day("2014-11-24")),
        ev("ceasefire_ended", "2014-09-01", "The truce collapses", ceasefire="border-truce", by=["bor"]),
        ev("deadline_extended", "2014-11-24", "Deadline extended to June", deadline="final-deal",
           to_date=day("2015-06-30")),
        ev("proposal_tabled", "2015-04-02", "Galdor tables a framework", proposal="framework", proposer=["gal"],
           title="Framework"),
        ev("proposal_answered", "2015-04-03", "Borealis counters", proposal="framework", responder="bor",
           response="countered", counter="framework-2"),
        ev("proposal_tabled", "2015-04-03", "Borealis' counter-proposal", proposal="framework-2", proposer=["bor"],
           title="Framework, Borealian text", revises="framework"),
        ev("proposal_answered", "2015-04-05", "Aurelia accepts the counter", proposal="framework-2",
           responder="aur", response="accepted"),
        ev("deadline_extended", "2015-06-30", "Deadline extended to 7 July", deadline="final-deal",
           to_date=day("2015-07-07")),
        ev("deadline_extended", "2015-07-07", "Deadline extended to 10 July", deadline="final-deal",
           to_date=day("2015-07-10")),
        ev("deadline_extended", "2015-07-10", "Deadline extended to 14 July", deadline="final-deal",
           to_date=day("2015-07-14")),
    ]
    final = ev("agreement_reached", "2015-07-14", "Final agreement", agreement="final", title="Final agreement",
               parties=["aur", "bor", "gal"], commitments=[
                   {"id": "stockpile", "text": "Ship out the stockpile", "owners": ["bor"]},
                   {"id": "lift", "text": "Lift the oil embargo", "owners": ["aur"]}])
    out += [
        final,
        ev("deadline_met", "2015-07-14", "The final deal meets the deadline", deadline="final-deal",
           met_by=final["id"]),
        ev("sanctions_changed", "2016-01-16", "Aurelia lifts the oil embargo", sanctions="oil-embargo",
           action="lifted", by=["aur"], on=["bor"]),
        ev("commitment_progress", "2016-01-16", "Stockpile shipped", agreement="final", commitment="stockpile",
           progress="done"),
        ev("agreement_withdrawn", "2018-05-08", "Galdor withdraws from the final agreement", agreement="final",
           party="gal", reason="says the deal is too weak"),
        ev("commitment_progress", "2019-07-01", "Borealis exceeds the stockpile limit", agreement="final",
           commitment="stockpile", progress="broken"),
    ]
    return out
