"""A track at a glance: status, parties, who is excluded and who demands a seat, mediators, agenda."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.widgets.text import claim, clean, track_status, trend


class Names(dict[str, str]):
    """Actor id -> display name; unknown ids show as themselves."""

    def __call__(self, actor_id: str) -> str:
        return clean(self.get(actor_id, actor_id))

    def many(self, ids: Any) -> str:
        ids = list(ids or [])
        return ", ".join(self(a) for a in ids) if ids else "—"


def _when(fact: Any) -> Text:
    occ = getattr(fact, "occurred", None)
    text = Text(f"  {clean(occ.label())}" if occ else "", style="dim")
    if getattr(fact, "uncertain", False):
        text.append(" (may be later)", style="yellow")
    return text


def render_overview(state: Any, names: Names) -> Group:
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="bold", no_wrap=True, min_width=18)
    grid.add_column(ratio=1)

    status = track_status(state.status)
    if state.status_since:
        status.append(f"  since {clean(state.status_since.label())}", style="dim")
    if state.status_reason:
        status.append("\n")
        status.append(clean(state.status_reason, single_line=False), style="italic")
    grid.add_row("Status", status)

    t = state.trend
    tr = trend(t.direction)
    if t.recent_events or t.previous_events:
        tr.append(f"  {t.recent:+.1f} in the last {t.window_days} days ({t.recent_events} events) vs "
                  f"{t.previous:+.1f} before ({t.previous_events})", style="dim")
    grid.add_row("Trend", tr)
    grid.add_row("Last activity", Text(clean(state.last_activity.label()) if state.last_activity else "—"))

    parties = Text()
    for i, p in enumerate(state.parties):
        if i:
            parties.append("\n")
        parties.append(names(p.actor), style="bold")
        delegates = getattr(p, "delegates", ())
        if delegates:
            parties.append(f" ({names.many(delegates)})")
        parties.append_text(_when(p))
    grid.add_row("At the table", parties if state.parties else Text("nobody yet", style="dim"))

    excluded = Text()
    for i, x in enumerate(state.excluded):
        if i:
            excluded.append("\n")
        excluded.append(names(x.actor), style="bold red")
        excluded.append(f"  by {names.many(x.by)}")
        excluded.append_text(_when(x))
        if x.reason:
            excluded.append(f"\n    {clean(x.reason)}", style="italic dim")
    grid.add_row("Excluded", excluded if state.excluded else Text("—", style="dim"))

    seats = Text()
    for i, s in enumerate(state.seat_demands):
        if i:
            seats.append("\n")
        seats.append(names(s.claimant), style="bold yellow")
        seats.append(f" demands a seat for {names.many(s.seat_for)}")
        seats.append_text(_when(s))
        if s.claim_status != "confirmed":
            seats.append("  ")
            seats.append_text(claim(s.claim_status))
    grid.add_row("Demanding a seat", seats if state.seat_demands else Text("—", style="dim"))

    mediators = Text()
    for i, m in enumerate(state.mediators):
        if i:
            mediators.append("\n")
        mediators.append(names(m.actor), style="bold cyan")
        mediators.append(f"  {clean(m.role)}{' (offered)' if m.offered else ''}")
        if m.venue:
            mediators.append(f", venue {clean(m.venue)}")
        if m.between:
            mediators.append(f", between {names.many(m.between)}", style="dim")
        mediators.append_text(_when(m))
    grid.add_row("Mediators, hosts", mediators if state.mediators else Text("—", style="dim"))

    if state.observers:
        grid.add_row("Speaking from outside", Text(names.many(o.actor for o in state.observers), style="dim"))
    grid.add_row("Agenda", Text(", ".join(clean(a) for a in state.agenda) or "—"))
    if state.denied:
        denied = Text()
        for i, d in enumerate(state.denied):
            if i:
                denied.append("\n")
            denied.append("denied: ", style="bold red")
            denied.append(clean(d.summary))
            if d.by:
                denied.append(f"  by {names.many(d.by)}", style="dim")
        grid.add_row("Denied claims", denied)
    counts = Text(f"{state.event_count} events")
    if state.uncertain_count:
        counts.append(f"; {state.uncertain_count} facts dated imprecisely may lie after this moment",
                      style="yellow")
    grid.add_row("In the log", counts)

    head = Text(clean(state.title), style="bold")
    head.append(f"  {clean(state.track)}", style="dim")
    parts: list[Any] = [head]
    if state.description:
        parts.append(Text(clean(state.description, single_line=False), style="italic"))
    parts += [Text(), grid]
    return Group(*parts)


class TrackOverview(Static):
    """The overview pane of a track."""

    def show(self, state: Any, names: Names) -> None:
        self.update(render_overview(state, names))
