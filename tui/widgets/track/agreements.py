"""Agreements on a track and how far each commitment has got."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from projections.state import Agreement, Commitment
from tracker.present import Names
from tui.widgets.text import PROGRESS_STYLES, claim, clean, progress


def progress_bar(commitments: Sequence[Commitment], width: int = 20) -> Text:
    total = len(commitments)
    if not total:
        return Text("no commitments recorded", style="dim")
    done = sum(1 for c in commitments if c.progress == "done")
    partial = sum(1 for c in commitments if c.progress == "partial")
    broken = sum(1 for c in commitments if c.progress == "broken")
    cells = [("done", done), ("partial", partial), ("broken", broken)]
    text = Text()
    used = 0
    for kind, n in cells:
        k = min(round(width * n / total), width - used)  # rounding up three thirds must not overflow
        text.append("█" * k, style=PROGRESS_STYLES[kind])
        used += k
    text.append("░" * max(0, width - used), style="dim")
    # Every count, even a zero: "0 broken" is news too.
    text.append(f"  {done}/{total} done", style="bold")
    text.append(f", {partial} partial", style="yellow" if partial else "dim")
    text.append(f", {broken} broken", style="bold red" if broken else "dim")
    return text


ACTED = {"signed": "Signed by", "ratified": "Ratified by", "withdrawn": "Withdrawal by"}


def acts_grid(agreement: Agreement, names: Names) -> Padding:
    """Signed, ratified, withdrawn from: a row each, its date first."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    for x in agreement.acts:
        what = Text(f"{ACTED.get(x.act, x.act)} {names.many(x.parties)}",
                    style="bold red" if x.act == "withdrawn" else "")
        if x.detail:
            what.append(f" ({clean(x.detail)})", style="dim")
        if x.effective:
            what.append(f", effective {clean(x.effective.label())}")
        if x.claim_status != "confirmed":
            what.append(" ")
            what.append_text(claim(x.claim_status))
        if x.reason:
            what.append(f"\n{clean(x.reason)}", style="italic dim")
        grid.add_row(clean(x.occurred.label()) if x.occurred else "?", what)
    return Padding(grid, (0, 0, 0, 2))


def render_agreements(agreements: Sequence[Agreement], names: Names) -> Group:
    if not agreements:
        return Group(Text("No agreement on this track at this moment.", style="dim italic"))
    parts: list[RenderableType] = []
    for a in agreements:
        head = Text(clean(a.title), style="bold")
        head.append(f"  {clean(a.agreement)}", style="dim")
        parts.append(head)
        line = Text(f"Parties: {names.many(a.parties)}")
        if a.occurred:
            line.append(f"  ·  reached {clean(a.occurred.label())}", style="dim")
        line.append("  ·  claim ")
        line.append_text(claim(a.claim_status))
        parts.append(line)
        if a.acts:
            parts.append(acts_grid(a, names))
        parts.append(progress_bar(a.commitments))
        if a.commitments:
            parts.append(commitments_grid(a.commitments, names))
        parts.append(Text())
    return Group(*parts)


def commitments_grid(commitments: Sequence[Commitment], names: Names) -> Padding:
    """A commitment a row: how far it has got, then what it says, whose it is and when it moved, its
    wrapped lines kept right of the progress (in a narrow terminal, most commitments wrap)."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for c in commitments:
        what = Text(clean(c.text))
        if c.owners:
            what.append(f"  ({names.many(c.owners)})", style="dim")
        if c.progress_occurred:
            what.append(f"  {clean(c.progress_occurred.label())}", style="dim")
        if c.note:
            what.append(f"\n{clean(c.note)}", style="italic dim")
        grid.add_row(progress(c.progress), what)
    return Padding(grid, (0, 0, 0, 2))


class AgreementsView(Static):
    def show(self, agreements: Sequence[Agreement], names: Names) -> None:
        self.update(render_agreements(agreements, names))
