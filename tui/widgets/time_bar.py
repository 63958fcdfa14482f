"""The bar that always says which moment is shown: "now", or "as of D, as known on K"."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from projections.moment import Moment
from tui.widgets.text import clean


class TimeBar(Static):
    """Follows `app.moment`; says how to move in time."""

    DEFAULT_CSS = """
    TimeBar {
        height: 1;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "moment", self.show_moment)

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
        text.append("   [ earlier · ] later · t date · T now · k known then/now", style="dim")
        if getattr(self.app, "readonly", False):
            text.append("   read-only", style="bold yellow")
        self.update(text)
