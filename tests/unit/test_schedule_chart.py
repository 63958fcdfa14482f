"""The schedule chart of a track's overview (tui.widgets.track.schedule_chart): each meeting and
deadline on one row, at the columns its dates fall on; each postponement or extension an arrow from
the date it left to the date it went to; as known at the moment viewed."""

from __future__ import annotations

import itertools
from datetime import date

from test_deadlines import DEADLINE, state, story
from test_projections import ev

from projections.records import Ev
from projections.state import Meeting, TrackState
from tui.widgets.track.schedule_chart import MAX_ROWS, Scale, ScheduleChart, chart_rows

WIDTH = 100


def plot_of(chart: ScheduleChart, title: str, width: int = WIDTH) -> tuple[str, Scale]:
    """The plotted cells of the row titled `title` and the scale they were drawn on."""
    label, scale = chart_scale(chart, width)
    row = next(line.plain for line in chart.lines(width)[2:] if line.plain.startswith(title[:8]))
    return row[label + 1:], scale


def chart_scale(chart: ScheduleChart, width: int) -> tuple[int, Scale]:
    fitted = chart.layout(width)
    assert fitted is not None
    return fitted


def test_each_extension_of_a_deadline_is_an_arrow_to_where_it_went() -> None:
    s = state(story(), as_of="2015-07-20")
    chart = ScheduleChart(s)
    assert [r.title for r in chart.rows] == ["Comprehensive deal"]
    cells, scale = plot_of(chart, "⚑ Comprehensive deal")
    first_due = scale.col(date(2014, 7, 19))
    assert cells[first_due] == "○"  # the first extension left from the first due date
    assert cells[scale.col(date(2014, 11, 24))] == "○"  # the second left from where the first went
    assert cells[scale.col(date(2015, 7, 13))] == "⚑"  # where it stands: met on its last due date
    assert set(cells[first_due + 1:scale.col(date(2014, 11, 24)) - 1]) == {"─"}
    assert cells[scale.col(date(2014, 11, 24)) - 1] == "▶"
    assert "extended" in chart.lines(WIDTH)[-1].plain and "met" in chart.lines(WIDTH)[-1].plain


def test_the_axis_labels_the_columns_the_dates_fall_on_and_fits_its_width() -> None:
    s = state(story(), as_of="2015-07-20")
    chart = ScheduleChart(s)
    for width in (60, 80, WIDTH, 150):
        label, scale = chart_scale(chart, width)
        ticks = scale.ticks()
        assert len(ticks) >= 2
        axis = chart.lines(width)[1].plain
        for col, text in ticks:
            assert axis[label + 1 + col:label + 1 + col + len(text)] == text
        assert len(axis) <= width
        # labels never touch
        assert all(b[0] - a[0] > len(a[1]) for a, b in itertools.pairwise(ticks))
    # a year and a half: months, the year said on the first and on January
    months = chart_scale(chart, 150)[1].ticks()
    assert months[0][1].endswith("2014") and "Jan 2015" in [t for _, t in months]


def test_before_a_move_was_known_the_chart_does_not_draw_it() -> None:
    events = story()
    before = ScheduleChart(state(events, as_of="2014-07-20", known_at="2014-07-20T20:00:00"))
    cells, scale = plot_of(before, "⚑ Comprehensive deal")
    assert "○" not in cells and "▶" not in cells
    assert cells[scale.col(date(2014, 7, 20))] == "⚑"
    after = ScheduleChart(state(events, as_of="2014-07-20", known_at="2014-07-22T00:00:00"))
    cells, _ = plot_of(after, "⚑ Comprehensive deal")
    assert "○" in cells and "▶" in cells


def test_a_crowded_schedule_keeps_every_moved_meeting_and_says_how_many_it_left_out() -> None:
    events: list[Ev] = []
    for i in range(MAX_ROWS + 3):
        d = f"2025-01-{i + 1:02d}"
        events.append(ev("meeting_held", d, tracks=("iran-nuclear",), meeting=f"m{i}", title=f"Round {i}"))
    events.append(ev("meeting_scheduled", "2024-12-01", tracks=("iran-nuclear",), meeting="moved",
                     title="Moved round", planned={"earliest": "2024-12-20", "latest": "2024-12-20", "precision": "day"}))
    events.append(ev("meeting_postponed", "2024-12-10", tracks=("iran-nuclear",), meeting="moved",
                     from_date={"earliest": "2024-12-20", "latest": "2024-12-20", "precision": "day"},
                     to_date={"earliest": "2025-02-01", "latest": "2025-02-01", "precision": "day"}))
    s = state(events, as_of="2025-02-10")
    rows, dropped = chart_rows(s)
    assert len(rows) == MAX_ROWS and dropped == len(s.meetings) - MAX_ROWS == 4
    assert "Moved round" in [r.title for r in rows]
    assert [r.title for r in rows if r.title != "Moved round"] == [f"Round {i}" for i in range(4, MAX_ROWS + 3)]
    assert f"{dropped} more in the schedule" in [line.plain for line in ScheduleChart(s).lines(WIDTH)]


def test_nothing_is_drawn_without_a_dated_meeting_or_in_too_little_room() -> None:
    assert ScheduleChart(TrackState(track="t", title="T")).lines(WIDTH) == []
    undated = TrackState(track="t", title="T", meetings=(Meeting(meeting="m", title="M", status="scheduled"),))
    assert ScheduleChart(undated).rows == []
    s = state(story(), as_of="2015-07-20")
    assert ScheduleChart(s).lines(25) == []
    assert DEADLINE in {d.deadline for d in s.deadlines}
