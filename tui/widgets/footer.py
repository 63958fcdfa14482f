"""The views' footer: the keys of the view, as many as fit on one line, none cut.

Textual's Footer lays every key out on one line and clips what runs past its end, so at 80 columns
the list of tracks ended in `n▏` without "Log event". This one leaves out whole keys instead: first
the time-travel keys (the time bar above names them), then g/G and q, then keys from the right;
never "? Help", which lists every key. The command palette's key keeps its place on the right.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

# Actions whose keys go first, in this order, when the footer is too narrow for all: the time bar
# says the time-travel keys; g/G and q are what a user finds without being told (and '?' lists them).
FIRST_TO_GO: tuple[tuple[str, ...], ...] = (("step", "jump", "now", "toggle_known"), ("first", "last"),
                                            ("request_quit",))
ALWAYS = "help"


def action_name(action: str) -> str:
    """'step(-1)' -> 'step', 'app.view('tracks')' -> 'view'."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


class TrackerFooter(Footer):
    """A Footer that hides whole keys, least needed first, rather than clip the last one."""

    def __init__(self) -> None:
        super().__init__()
        self._widths: dict[Widget, int] = {}  # each key's (or group's) width, measured once laid out

    async def recompose(self) -> None:
        await super().recompose()
        self._widths = {}
        self.call_after_refresh(self._measure)

    def on_resize(self) -> None:
        self.fit()

    def _units(self) -> list[list[Widget]]:
        """The footer's parts that go or stay together: a key, or a group of keys and its label."""
        units: list[list[Widget]] = []
        for child in self.children:
            if child.has_class("-command-palette"):
                continue
            if isinstance(child, FooterLabel) and units and isinstance(units[-1][0], KeyGroup):
                units[-1].append(child)
            else:
                units.append([child])
        return units

    @staticmethod
    def _actions(unit: list[Widget]) -> set[str]:
        keys = [w for part in unit for w in (part.query(FooterKey) if isinstance(part, KeyGroup) else [part])]
        return {action_name(key.action) for key in keys if isinstance(key, FooterKey)}

    def _measure(self) -> None:
        """Each part's width as laid out with every part shown (as composed)."""
        for unit in self._units():
            for part in unit:
                part.display = True
        self.call_after_refresh(self._measured)

    def _measured(self) -> None:
        self._widths = {part: part.outer_size.width + part.styles.margin.left + part.styles.margin.right
                        for unit in self._units() for part in unit}
        self.fit()

    def fit(self) -> None:
        """Show the parts that fit the footer's width, leaving out the least needed first."""
        units = self._units()
        if not units or not self._widths or any(part not in self._widths for unit in units for part in unit):
            return
        palette = sum(child.outer_size.width for child in self.children if child.has_class("-command-palette"))
        room = self.size.width - palette

        def width(unit: list[Widget]) -> int:
            return sum(self._widths[part] for part in unit)

        shown = list(units)
        order = [unit for actions in FIRST_TO_GO for unit in units if self._actions(unit) & set(actions)]
        order += [unit for unit in reversed(units) if unit not in order and ALWAYS not in self._actions(unit)]
        for unit in order:
            if sum(width(u) for u in shown) <= room:
                break
            shown.remove(unit)
        for unit in units:
            for part in unit:
                part.display = unit in shown
