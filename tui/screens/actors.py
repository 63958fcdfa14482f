"""Actors: everyone in the log, and for the one selected, its stances and statements across tracks."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker.service import ActorInfo, ActorState, Moment, Tracker
from tui.screens.base import ViewScreen
from tui.widgets.text import claim, clean, stance
from tui.widgets.track.overview import Names


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_actor(state: ActorState, names: Names, moment_label: str) -> Group:
    info = state.info
    head = Text(clean(info.name), style="bold")
    head.append(f"  {clean(info.id)} · {clean(info.kind)}", style="dim")
    parts: list[RenderableType] = [head]
    if info.role:
        parts.append(Text(clean(info.role), style="italic"))
    if info.affiliation:
        parts.append(Text(f"Affiliation: {names(info.affiliation)}"))
    parts.append(Text(f"Tracks: {', '.join(clean(t) for t in state.tracks) or '—'}  ·  "
                      f"{state.event_count} events  ·  {clean(moment_label)}", style="dim"))

    parts += [Text(), Text("Stances (latest per track and issue)", style="bold underline")]
    if not state.stances:
        parts.append(Text("no stated positions at this moment", style="dim italic"))
    tracks = list(state.stance_tracks) or [""] * len(state.stances)
    # Parallel by construction; a mismatch should not fail the render, so no strict=True.
    for track, s in zip(tracks, state.stances, strict=False):
        line = Text("  ")
        line.append_text(stance(s.stance, with_word=True))
        line.append(f"  {clean(s.issue)}", style="bold")
        line.append(f"  [{clean(track)}]" if track else "", style="dim")
        line.append(f"  {clean(s.occurred.label()) if s.occurred else '—'}", style="cyan")
        if s.uncertain:
            line.append(" ?", style="yellow")
        parts.append(line)
        said = Text("      ")
        if s.speaker and s.speaker != s.actor:
            said.append(f"{names(s.speaker)}: ", style="dim")
        if s.quote:
            said.append("“" + shorten(clean(s.quote), 240) + "”", style="italic")
        else:
            said.append(shorten(clean(s.summary), 240))
        parts.append(said)

    parts += [Text(), Text(f"Statements ({len(state.statements)}, in date order)", style="bold underline")]
    if not state.statements:
        parts.append(Text("none at this moment", style="dim italic"))
    for st in state.statements:
        line = Text(f"{clean(st.occurred.label()) if st.occurred else '?'}  ", style="cyan")
        line.append_text(stance(st.stance))
        line.append(f" {clean(st.issue)}", style="bold")
        line.append(f"  [{clean(st.track)}]", style="dim")
        if st.claim_status != "confirmed":
            line.append("  ")
            line.append_text(claim(st.claim_status))
        parts.append(line)
        said = Text("    ")
        if st.speaker and st.speaker != info.id:
            said.append(f"{names(st.speaker)}: ", style="dim")
        said.append(clean(st.summary))
        parts.append(said)
        if st.quote:
            parts.append(Text("    “", style="italic") + Text(clean(st.quote), style="italic") + Text("”", style="italic"))
    return Group(*parts)


class ActorsScreen(ViewScreen):
    """A list of actors on the left, the selected one on the right."""

    BINDINGS = [
        Binding("slash", "find", "Find actor", key_display="/"),
        Binding("escape", "clear_find", "Clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="actors-screen")
        self.infos: list[ActorInfo] = []
        self.names = Names()
        self.current: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="actors-body"):
            with Vertical(id="actors-left"):
                yield Input(placeholder="/ find an actor", id="actor-find", compact=True)
                yield OptionList(id="actor-list")
            with VerticalScroll(id="actor-scroll"):
                yield Static(Text("Select an actor.", style="dim italic"), id="actor-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        self.load_actors()

    @work(thread=True, exit_on_error=False, exclusive=True, group="actors-load")
    def load_actors(self) -> None:
        try:
            infos = self.app.project(Tracker.actors)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.query_one("#actor-detail", Static).update,
                                      Text(f"Could not load actors: {clean(str(exc))}", style="bold red"))
            return
        self.app.call_from_thread(self.show_actors, infos)

    def show_actors(self, infos: list[ActorInfo]) -> None:
        self.infos = sorted(infos, key=lambda a: a.name.lower())
        self.names = Names({a.id: a.name for a in infos})
        self._fill()
        if self.current is not None:
            self.load_actor(self.current)

    def _fill(self) -> None:
        needle = self.query_one("#actor-find", Input).value.strip().casefold()
        lst = self.query_one("#actor-list", OptionList)
        keep = self.current
        lst.clear_options()
        shown = [a for a in self.infos
                 if not needle or needle in a.name.casefold() or needle in a.id.casefold()]
        lst.add_options([
            Option(Text(clean(a.name)) + Text(f"  {clean(a.kind)}", style="dim"), id=a.id) for a in shown
        ])
        ids = [a.id for a in shown]
        if keep in ids:
            lst.highlighted = ids.index(keep)
        elif ids:
            lst.highlighted = 0

    @on(Input.Changed, "#actor-find")
    def _find_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#actor-find")
    def _find_submitted(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted, "#actor-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.current:
            self.current = event.option.id
            self.load_actor(event.option.id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="actor-load")
    def load_actor(self, actor_id: str) -> None:
        moment = self.moment
        state = self.app.project(Tracker.actor, actor_id, moment)
        self.app.call_from_thread(self.show_actor, actor_id, state, moment)

    def show_actor(self, actor_id: str, state: ActorState | None, moment: Moment) -> None:
        if actor_id != self.current or moment != self.moment:
            return
        detail = self.query_one("#actor-detail", Static)
        if state is None:
            detail.update(Text(f"Nothing known about {self.names(actor_id)} at this moment.", style="dim italic"))
        else:
            detail.update(render_actor(state, self.names, moment.label()))

    def select_actor(self, actor_id: str) -> None:
        self.current = actor_id
        self._fill()
        self.load_actor(actor_id)

    def action_find(self) -> None:
        self.query_one("#actor-find", Input).focus()

    def action_clear_find(self) -> None:
        self.query_one("#actor-find", Input).value = ""
        self.query_one(OptionList).focus()
