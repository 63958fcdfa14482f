"""Agreements on a track and how far each commitment has got."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
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
        k = round(width * n / total)
        text.append("█" * k, style=PROGRESS_STYLES[kind])
        used += k
    text.append("░" * max(0, width - used), style="dim")
    text.append(f"  {done}/{total} done", style="bold")
    if partial:
        text.append(f", {partial} partial", style="yellow")
    if broken:
        text.append(f", {broken} broken", style="red")
    return text


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
        parts.append(progress_bar(a.commitments))
        for c in a.commitments:
            row = Text("  ")
            row.append_text(progress(c.progress))
            row.append(f"  {clean(c.text)}")
            if c.owners:
                row.append(f"  ({names.many(c.owners)})", style="dim")
            if c.progress_occurred:
                row.append(f"  {clean(c.progress_occurred.label())}", style="dim")
            parts.append(row)
            if c.note:
                parts.append(Text(f"      {clean(c.note)}", style="italic dim"))
        parts.append(Text())
    return Group(*parts)


class AgreementsView(Static):
    def show(self, agreements: Sequence[Agreement], names: Names) -> None:
        self.update(render_agreements(agreements, names))
