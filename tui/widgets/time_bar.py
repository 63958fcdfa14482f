"""The bar that always says which moment is shown: "now", or "as of D, as known on K"."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from projections.moment import Moment
from tui.widgets.text import clean

# How to move in time, longest first: the bar says the longest that fits beside the moment.
HINTS = (
    "[ earlier · ] later · t date · T now · k known then/now",
    "[ ] earlier/later · t date · T now · k then/now",
    "[ ] earlier/later · t date · T now",
    "[ ] t T k time travel",
    "",
)
GAP = "   "


class TimeBar(Static):
    """Follows `app.moment`; says how to move in time, in as many words as its width has room for."""

    DEFAULT_CSS = """
    TimeBar {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "moment", self.show_moment)

    def on_resize(self) -> None:
        self.show_moment(getattr(self.app, "moment", Moment()))

    def show_moment(self, moment: Moment) -> None:
        self.set_class(moment != Moment(), "-past")
        text = Text()
        if moment == Moment():
            text.append(" ◷ now ", style="bold reverse")
            text.append("  the log as it stands, everything known", style="dim")
        else:
            text.append(f" ◷ {clean(moment.label())} ", style="bold reverse")
            if moment.known_at is None:
                text.append("  as known now", style="dim")
        readonly = "   read-only" if getattr(self.app, "readonly", False) else ""
        room = (self.size.width or 10_000) - text.cell_len - len(readonly)
        hint = next(h for h in HINTS if not h or len(GAP) + cell_len(h) <= room)
        if hint:
            text.append(GAP + hint, style="dim")
        if readonly:
            text.append(readonly, style="bold yellow")
        self.update(text)
