"""Proposals on a track: who tabled them, their stages (those agreed marked), the answers of the
parties, the versions before and after (counter-proposals), and the status of the claim over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

from projections.state import Proposal
from tracker.present import Names
from tui.widgets.text import claim, clean, fit_table


def render_proposal(p: Proposal, names: Names) -> Group:
    head = Text(clean(p.title), style="bold")
    head.append(f"  {clean(p.proposal)}", style="dim")
    lines: list[RenderableType] = [head]
    by = Text(f"Tabled by {names.many(p.proposer)}")
    if p.occurred:
        by.append(f", {clean(p.occurred.label())}", style="dim")
    by.append("  ·  claim ")
    by.append_text(claim(p.claim_status))
    lines.append(by)
    if p.revises:
        lines.append(Text(f"Revises {clean(p.revises)}", style="dim"))
    if p.stages:
        lines += [Text(), Text("Stages", style="bold underline")]
        for i, stage in enumerate(p.stages, start=1):
            row = Text(f"{i}. {clean(stage)}")
            if i in p.agreed_stages:
                row.append("  agreed", style="bold green")
            lines.append(row)
    if p.answers:
        lines += [Text(), Text("Answers", style="bold underline"), answers(p, names)]
    if p.revised_by:
        lines += [Text(), Text(f"Revised by {', '.join(clean(x) for x in p.revised_by)}", style="bold")]
    if p.claim_history:
        lines += [Text(), Text("Claim history", style="bold underline"), claim_history(p, names)]
    return Group(*lines)


ANSWER_STYLES = {"accepted": "bold green", "rejected": "bold red", "countered": "bold yellow"}


def answers(p: Proposal, names: Names) -> Table:
    """An answer a row: its date, then who answered what (and the counter-proposal), the reason below."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    for a in p.answers:
        what = Text(a.response, style=ANSWER_STYLES.get(a.response, ""))
        what.append(f" by {names.many((a.responder,))}")
        if a.claim_status != "confirmed":
            what.append(" ")
            what.append_text(claim(a.claim_status))
        if a.counter:
            what.append(f"  counter-proposal {clean(a.counter)}", style="dim")
        if a.reason:
            what.append(f"\n{clean(a.reason)}", style="italic dim")
        grid.add_row(clean(a.occurred.label()) if a.occurred else "?", what)
    return grid


def claim_history(p: Proposal, names: Names) -> Table:
    """A change of the claim a row: its date, then what changed, wrapped lines kept right of the date."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    for change in p.claim_history:
        what = claim(change.status)
        if change.by:
            what.append(f" by {names.many(change.by)}")
        if change.summary:
            what.append(f": {clean(change.summary)}")
        if change.reason:
            what.append(f"\n{clean(change.reason)}", style="italic dim")
        grid.add_row(clean(change.occurred.label()) if change.occurred else "?", what)
    return grid


HEADERS = {"title": "Proposal", "proposer": "Proposer", "stages": "Stages", "claim": "Claim", "when": "Tabled"}
# Narrow, the count of stages goes first (the detail lists them), then the proposers and the title
# give up width, cut with an ellipsis (whole in the detail); the claim and the date are never cut.
LEAST = {"proposer": 12, "title": 16}
OPTIONAL = ("stages",)


def proposal_cells(p: Proposal, names: Names) -> dict[str, Text]:
    return {"title": Text(clean(p.title)), "proposer": Text(names.many(p.proposer)),
            "stages": Text(str(len(p.stages))), "claim": claim(p.claim_status),
            "when": Text(clean(p.occurred.label()) if p.occurred else "—")}


class ProposalsTable(DataTable[Any]):
    """One row per proposal; its columns follow its width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.proposals: dict[str, Proposal] = {}
        self.cells: dict[str, dict[str, Text]] = {}

    def on_mount(self) -> None:
        # A scroll bar coming or going changes the room for the columns, without a resize.
        self.watch(self, "show_vertical_scrollbar", lambda _: self.refit(), init=False)
        self.refit(force=True)

    def on_resize(self) -> None:
        self.refit()

    def show(self, proposals: Sequence[Proposal], names: Names) -> None:
        self.proposals = {p.proposal: p for p in proposals}
        self.cells = {p.proposal: proposal_cells(p, names) for p in proposals}
        self.refit(force=True)

    def refit(self, *, force: bool = False) -> None:
        fit_table(self, HEADERS, self.cells, least=LEAST, optional=OPTIONAL, grow=["title"], force=force)

    @property
    def selected(self) -> Proposal | None:
        if not self.row_count:
            return None
        return self.proposals.get(str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value))
