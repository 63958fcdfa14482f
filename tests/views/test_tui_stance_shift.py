"""The positions matrix marks a stance that shifted, and its detail says what it was (one pilot)."""

from __future__ import annotations

from pathlib import Path

from tui.app import TrackerApp
from tui.screens.track import TrackScreen
from tui.widgets.track.positions import PositionsMatrix
from tui_helpers import SIZE, async_test, screen_text, settle


@async_test
async def test_a_shifted_stance_shows_its_direction_and_what_it_was(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        await pilot.press("p")
        await settle(pilot)
        matrix = app.screen.query_one(PositionsMatrix)
        # The United States went from supports (Waltz) to conditional: away from support.
        assert matrix.select("usa", "ukraine-participation")
        await settle(pilot)
        assert str(matrix.get_cell_at(matrix.cursor_coordinate)).endswith("\u2193")
        assert "\u2193 was \u2714 supports" in screen_text(app)
        # A stance that never changed has no arrow.
        assert matrix.select("rus", "european-peacekeepers")
        await settle(pilot)
        assert str(matrix.get_cell_at(matrix.cursor_coordinate)) == "\u2718"
