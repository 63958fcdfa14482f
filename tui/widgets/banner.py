"""A warning banner when the log's hash chain does not hold up (`store.verify()`)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tracker.present import plural
from tracker.service import VerifyResult
from tui.widgets.text import clean


class IntegrityBanner(Static):
    """Hidden while the chain verifies (or has not been checked yet)."""

    DEFAULT_CSS = """
    IntegrityBanner {
        display: none;
        height: auto;
        padding: 0 1;
    }
    IntegrityBanner.-broken {
        display: block;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "integrity", self.show_result)

    def show_result(self, result: VerifyResult | None) -> None:
        broken = result is not None and not result.ok
        self.set_class(broken, "-broken")
        if broken:
            assert result is not None
            text = Text("⚠ TAMPERED LOG: ", style="bold")
            text.append(f"the hash chain breaks at position {result.first_bad_position}: {clean(result.reason)}. ")
            text.append(f"{plural(result.checked, 'event')} before it verified. Do not trust what follows it.")
            self.update(text)
