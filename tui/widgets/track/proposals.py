"""Proposals on a track: who tabled them, their stages, and the status of the claim over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import DataTable

from projections.state import Proposal
from tracker.present import Names
from tui.widgets.text import claim, clean


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
    if p.stages:
        lines += [Text(), Text("Stages", style="bold underline")]
        for i, stage in enumerate(p.stages, start=1):
            lines.append(Text(f"{i}. {clean(stage)}"))
    if p.claim_history:
        lines += [Text(), Text("Claim history", style="bold underline")]
        for change in p.claim_history:
            line = Text(f"{clean(change.occurred.label()) if change.occurred else '?'}  ", style="dim")
            line.append_text(claim(change.status))
            if change.by:
                line.append(f" by {names.many(change.by)}")
            if change.summary:
                line.append(f": {clean(change.summary)}")
            lines.append(line)
            if change.reason:
                lines.append(Text(f"   {clean(change.reason)}", style="italic dim"))
    return Group(*lines)


class ProposalsTable(DataTable[Any]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.proposals: dict[str, Proposal] = {}

    def on_mount(self) -> None:
        self.add_column("Proposal", key="title", width=50)
        self.add_column("Proposer", key="proposer", width=22)
        self.add_column("Stages", key="stages", width=7)
        self.add_column("Claim", key="claim", width=12)
        self.add_column("Tabled", key="when", width=22)

    def show(self, proposals: Sequence[Proposal], names: Names) -> None:
        self.clear()
        self.proposals = {p.proposal: p for p in proposals}
        for p in proposals:
            self.add_row(Text(clean(p.title)), Text(names.many(p.proposer)), Text(str(len(p.stages))),
                         claim(p.claim_status), Text(clean(p.occurred.label()) if p.occurred else "—"),
                         key=p.proposal)

    @property
    def selected(self) -> Proposal | None:
        if not self.row_count:
            return None
        return self.proposals.get(str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value))
