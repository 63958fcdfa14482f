"""Who stands where: actors × issues, a stance glyph and colour in each cell, and an arrow when
the stance changed (↑ towards support, ↓ away from it: tracker.present.SHIFT_ARROWS).

Selecting a cell shows the statement behind it: who said it, the quote, what it shifted from, and
(fetched with `tracker.queries.why`) the sources of the events that established it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import DataTable

from projections.state import Stance
from tracker.present import SHIFT_ARROWS, Names
from tracker.service import StoredEvent
from tui.widgets.text import STANCE_GLYPHS, claim, clean, day, quotation, stance


def legend() -> Columns:
    """What the glyphs mean: on one line if it fits, else in aligned columns, each meaning whole
    (wrapped as text, '? date may lie after this moment' broke after 'date' at 80 columns)."""
    items = [Text(f"{glyph} {word}", style=style) for word, (glyph, style) in STANCE_GLYPHS.items()]
    items += [Text("· no statement", style="dim"), Text(f"{SHIFT_ARROWS['up']}{SHIFT_ARROWS['down']} shifted towards / away from support", style="magenta"),
              Text("? date may lie after this moment", style="yellow")]
    return Columns(items, padding=(0, 3))


def render_stance(s: Stance, names: Names, sources: Sequence[StoredEvent] | None = None) -> Group:
    """The statement behind one cell, and where it comes from."""
    head = Text()
    head.append(names(s.actor), style="bold")
    head.append(" on ")
    head.append(clean(s.issue), style="bold")
    head.append(": ")
    head.append_text(stance(s.stance, with_word=True))
    if s.previous and s.direction:
        head.append(f"  {SHIFT_ARROWS[s.direction]} was ", style="magenta")
        head.append_text(stance(s.previous, with_word=True))
    lines: list[RenderableType] = [head]
    said = Text()
    said.append("Said by ", style="dim")
    said.append(names(s.speaker))
    if s.occurred:
        said.append(f", {clean(s.occurred.label())}", style="dim")
        if s.uncertain:
            said.append(" (may be later than the moment shown)", style="yellow")
    said.append("  ·  claim ", style="dim")
    said.append_text(claim(s.claim_status))
    if len(s.history) > 1:
        said.append(f"  ·  the latest of {len(s.history)} statements ('tracker stances' lists them)", style="dim")
    lines.append(said)
    if s.summary:
        lines += [Text(), Text(clean(s.summary, single_line=False))]
    if s.quote:
        lines += [Text(), quotation(s.quote, single_line=False)]
    lines += [Text(), Text("Sources", style="bold underline")]
    if sources is None:
        lines.append(Text("loading…", style="dim"))
    elif not sources:
        lines.append(Text("none recorded", style="dim italic"))
    else:
        n = 0
        for stored in sources:
            for src in stored.event.sources:
                n += 1
                line = Text(f"{n}. ")
                line.append(clean(src.outlet), style="bold")
                if src.published:
                    line.append(f"  {day(src.published)}", style="dim")
                if src.via:
                    line.append(f"  via {clean(src.via)}", style="dim")
                if src.credibility:
                    line.append(f"  credibility {src.credibility}", style="dim")  # the report's half of a grade
                line.append(f"  (event #{stored.position})", style="dim")
                lines.append(line)
                if src.url:
                    lines.append(Text("   ") + Text(clean(src.url), style="underline"))
                if src.quote:
                    lines.append(Text("   ") + quotation(src.quote, single_line=False))
        if n == 0:
            lines.append(Text("the events behind this carry no sources", style="dim italic"))
    return Group(*lines)


def two_lines(issue: str) -> str:
    """'european-peacekeepers' -> 'european\npeacekeepers': narrow columns, whole words."""
    words = issue.replace("-", " ").split()
    if len(words) < 2:
        return issue
    best = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


class PositionsMatrix(DataTable[Any]):
    """Rows are actors, columns are issues; the cursor is a cell."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False, header_height=2)
        self.cells: dict[tuple[str, str], Stance] = {}
        self.actors: list[str] = []
        self.issues: list[str] = []

    def show(self, stances: Sequence[Stance], agenda: Sequence[str], names: Names) -> None:
        keep = self.selected_key
        self.cells = {(s.actor, s.issue): s for s in stances}
        issues = list(dict.fromkeys([*(a for a in agenda if any(s.issue == a for s in stances)),
                                     *sorted({s.issue for s in stances})]))
        actors = sorted({s.actor for s in stances}, key=lambda a: names(a).lower())
        self.clear(columns=True)
        self.actors, self.issues = actors, issues
        for issue in issues:
            label = two_lines(clean(issue))
            self.add_column(Text(label, style="bold", justify="center"), key=issue,
                            width=max(7, max(len(line) for line in label.splitlines())))
        for actor in actors:
            cells = []
            for issue in issues:
                s = self.cells.get((actor, issue))
                cell = stance(s.stance if s else None)
                if s is not None and s.direction:
                    cell.append(SHIFT_ARROWS[s.direction], style="magenta")
                if s is not None and s.uncertain:
                    cell.append("?", style="yellow")
                cell.justify = "center"
                cells.append(cell)
            self.add_row(*cells, key=actor, label=Text(names(actor), style="bold"))
        if keep is not None and keep[0] in actors and keep[1] in issues:
            self.move_cursor(row=actors.index(keep[0]), column=issues.index(keep[1]), animate=False)

    @property
    def selected_key(self) -> tuple[str, str] | None:
        if not self.row_count or not self.columns:
            return None
        row, col = self.cursor_coordinate
        if row >= len(self.actors) or col >= len(self.issues):
            return None
        return self.actors[row], self.issues[col]

    @property
    def selected(self) -> Stance | None:
        key = self.selected_key
        return self.cells.get(key) if key else None

    def select(self, actor: str, issue: str) -> bool:
        if actor in self.actors and issue in self.issues:
            self.move_cursor(row=self.actors.index(actor), column=self.issues.index(issue), animate=False)
            return True
        return False
