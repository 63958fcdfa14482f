"""Actors: everyone the record names, and for the one selected, its stances and statements across tracks.

Which actors the list shows is the service's rule (Tracker.actor_roster): an actor named only by
events since retracted is hidden, and the list says how many it hides and which key shows them.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker.present import plural
from tracker.service import ActorInfo, ActorRoster, ActorState, Moment, Tracker
from tui.dialogs.log_event import Prefill
from tui.screens.base import ViewScreen
from tui.widgets.text import claim, clean, quotation, stance
from tui.widgets.track.overview import Names

QUOTE_LIMIT = 240  # characters of a stance's quote shown under it; the statement below has it whole
HIDDEN_TAG = "retracted"  # what a hidden actor is marked with, in the list and on its page


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a word, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    word_end = cut.rfind(" ")
    return (cut[:word_end] if word_end > limit // 2 else cut).rstrip() + "…"


def indented(text: Text, by: int) -> Padding:
    """A block whose wrapped lines keep its indent (a plain leading space would not)."""
    return Padding(text, (0, 0, 0, by))


def tracks_label(tracks: tuple[str, ...]) -> Text:
    return Text(f"[{', '.join(clean(t) for t in tracks)}]", style="dim") if tracks else Text()


def option_prompt(info: ActorInfo, width: int, hidden: bool = False) -> Text:
    """A line of the list: the name, cut with an ellipsis only if it must be, and the actor's kind
    (or HIDDEN_TAG) at the right edge. `width` 0: not laid out yet, nothing is cut."""
    tag = Text(HIDDEN_TAG if hidden else clean(info.kind), style="red" if hidden else "dim")
    name = Text(clean(info.name), style="dim" if hidden else "")
    room = width - tag.cell_len - 2
    if width <= 0 or room < 8:
        return Text.assemble(name, "  ", tag)
    name.truncate(room, overflow="ellipsis")
    return Text.assemble(name, " " * (width - name.cell_len - tag.cell_len), tag)


def roster_note(listed: int, of: int, hidden: int, showing: bool) -> list[Text]:
    """What the list holds and what it hides, phrase by phrase: '40 actors', '1 hidden: retracted',
    'h shows it'. `listed` of `of` match the search; `hidden` of those matching are retracted actors."""
    phrases = [Text(plural(of, "actor") if listed == of else f"{listed} of {plural(of, 'actor')}", style="dim")]
    if hidden:
        phrases.append(Text(f"{hidden} {HIDDEN_TAG} shown" if showing else f"{hidden} hidden: {HIDDEN_TAG}",
                            style="yellow"))
        phrases.append(Text(f"h {'hides' if showing else 'shows'} {'it' if hidden == 1 else 'them'}"))
    return phrases


def packed(phrases: list[Text], width: int, sep: str = " · ") -> Text:
    """Phrases on as few lines of `width` as they fit, each whole ('h shows it' is never split
    over two lines). `width` 0: not laid out yet, one line."""
    out = Text()
    line = 0
    for i, phrase in enumerate(phrases):
        if i and width and line + len(sep) + phrase.cell_len > width:
            out.append("\n")
            line = 0
        elif i:
            out.append(sep, style="dim")
            line += len(sep)
        out.append_text(phrase)
        line += phrase.cell_len
    return out


def render_actor(state: ActorState, names: Names, moment_label: str, hidden: bool = False) -> Group:
    info = state.info
    head = Text(clean(info.name), style="bold")
    head.append(f"  {clean(info.id)} · {clean(info.kind)}", style="dim")
    if hidden:
        head.append(f"  {HIDDEN_TAG}", style="bold red")
    parts: list[RenderableType] = [head]
    if info.role:
        parts.append(Text(clean(info.role), style="italic"))
    if info.affiliation:
        parts.append(Text(f"Affiliation: {names(info.affiliation)}"))
    parts.append(Text(f"Tracks: {', '.join(clean(t) for t in state.tracks) or '—'}", style="dim"))
    parts.append(Text(f"{plural(state.event_count, 'event')}  ·  {clean(moment_label)}", style="dim"))
    if hidden:
        parts.append(Text("Hidden from the list: as the record now stands, no event names this actor.",
                          style="italic red"))
    parts += _stances(state, names)
    parts += _statements(state, names)
    return Group(*parts)


def _stances(state: ActorState, names: Names) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(), Text("Stances (latest per track and issue)", style="bold underline")]
    if not state.stances:
        parts.append(Text("no stated positions at this moment", style="dim italic"))
    tracks = list(state.stance_tracks) or [()] * len(state.stances)
    # Parallel by construction; a mismatch should not fail the render, so no strict=True.
    for held, s in zip(tracks, state.stances, strict=False):
        # The date first, as in the statements below: a narrow pane wraps the line between its
        # tracks, never inside the date.
        line = Text(clean(s.occurred.label()) if s.occurred else "—", style="cyan")
        if s.uncertain:
            line.append(" ?", style="yellow")
        line.append("  ")
        line.append_text(stance(s.stance, with_word=True))
        line.append(f"  {clean(s.issue)}", style="bold")
        parts += [indented(line + Text("  ") + tracks_label(held), 2)]
        said = Text()
        if s.speaker and s.speaker != state.info.id:
            said.append(f"{names(s.speaker)}: ", style="dim")
        said.append_text(quotation(shorten(s.quote, QUOTE_LIMIT)) if s.quote else Text(shorten(clean(s.summary), QUOTE_LIMIT)))
        parts.append(indented(said, 6))
    return parts


def _statements(state: ActorState, names: Names) -> list[RenderableType]:
    title = f"Statements ({len(state.statements)}, in date order)"
    parts: list[RenderableType] = [Text(), Text(title, style="bold underline")]
    if not state.statements:
        parts.append(Text("none at this moment", style="dim italic"))
    for st in state.statements:
        line = Text(f"{clean(st.occurred.label()) if st.occurred else '?'}  ", style="cyan")
        line.append_text(stance(st.stance))
        line.append(f" {clean(st.issue)}", style="bold")
        line.append("  ")
        line.append_text(tracks_label(st.tracks))
        if st.claim_status != "confirmed":
            line.append("  ")
            line.append_text(claim(st.claim_status))
        parts.append(line)
        said = Text()
        if st.speaker and st.speaker != state.info.id:
            said.append(f"{names(st.speaker)}: ", style="dim")
        said.append(clean(st.summary))
        parts.append(indented(said, 4))
        if st.quote:
            parts.append(indented(quotation(st.quote), 4))
    return parts


def render_hidden(info: ActorInfo) -> Group:
    """A hidden actor that nothing known at the moment names: who it was logged as, and why it is hidden."""
    head = Text(clean(info.name), style="bold")
    head.append(f"  {clean(info.id)} · {clean(info.kind)}", style="dim")
    head.append(f"  {HIDDEN_TAG}", style="bold red")
    parts: list[RenderableType] = [head]
    if info.role:
        parts.append(Text(clean(info.role), style="italic"))
    parts += [Text(), Text("As the record now stands, no event names this actor: the events that did were "
                           "retracted, or corrected to name someone else. They stay in the log, marked so "
                           "(the event log shows them).", style="italic")]
    return Group(*parts)


class ActorsScreen(ViewScreen):
    """A list of actors on the left, the selected one on the right."""

    BINDINGS = [
        Binding("slash", "find", "Find actor", key_display="/"),
        # The list's note says what h does and how many it hides; the footer has no room for it.
        Binding("h", "toggle_hidden", "Show or hide retracted actors", show=False),
        Binding("escape", "clear_find", "Clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="actors-screen")
        self.infos: list[ActorInfo] = []  # live, by name
        self.hidden: list[ActorInfo] = []  # named only by retracted events (Tracker.actor_roster)
        self.show_hidden = False
        self.names = Names()
        self.current: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="actors-body"):
            with Vertical(id="actors-left"):
                yield Input(placeholder="/ find an actor", id="actor-find", compact=True)
                yield OptionList(id="actor-list")
                yield Static(id="actor-note")
            with VerticalScroll(id="actor-scroll"):
                yield Static(Text("Select an actor.", style="dim italic"), id="actor-detail")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        self.load_actors()

    @work(thread=True, exit_on_error=False, exclusive=True, group="actors-load")
    def load_actors(self) -> None:
        try:
            roster = self.app.project(Tracker.actor_roster)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.query_one("#actor-detail", Static).update,
                                      Text(f"Could not load actors: {clean(str(exc))}", style="bold red"))
            return
        self.app.call_from_thread(self.show_actors, roster)

    def show_actors(self, roster: ActorRoster) -> None:
        self.infos = sorted(roster.live, key=lambda a: a.name.casefold())
        self.hidden = sorted(roster.hidden, key=lambda a: a.name.casefold())
        self.names = Names([*roster.live, *roster.hidden])
        self._fill()
        if self.current is not None:
            self.load_actor(self.current)

    def _is_hidden(self, actor_id: str | None) -> bool:
        return any(a.id == actor_id for a in self.hidden)

    def _fill(self) -> None:
        needle = self.query_one("#actor-find", Input).value.strip().casefold()

        def matching(infos: list[ActorInfo]) -> list[ActorInfo]:
            return [a for a in infos if not needle or needle in a.name.casefold() or needle in a.id.casefold()]

        live, hidden = matching(self.infos), matching(self.hidden)
        shown = sorted([*live, *hidden], key=lambda a: a.name.casefold()) if self.show_hidden else live
        lst = self.query_one("#actor-list", OptionList)
        # Room for a line whether or not the list will need its scrollbar.
        padding = lst.get_component_styles("option-list--option").padding.width
        width = max(0, lst.content_region.width - lst.styles.scrollbar_size_vertical - padding)
        retracted = {a.id for a in hidden}
        keep = self.current
        lst.clear_options()
        lst.add_options([Option(option_prompt(a, width, a.id in retracted), id=a.id) for a in shown])
        ids = [a.id for a in shown]
        if keep in ids:
            lst.highlighted = ids.index(keep)
        elif ids:
            lst.highlighted = 0
        note = self.query_one("#actor-note", Static)
        phrases = roster_note(len(shown), len(self.infos) + (len(self.hidden) if self.show_hidden else 0),
                              len(hidden), self.show_hidden)
        note.update(packed(phrases, note.content_region.width))

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fill)  # names are cut to the list's new width, once laid out

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
        hidden = self._is_hidden(actor_id)
        if state is not None:
            detail.update(render_actor(state, self.names, moment.label(), hidden))
        elif hidden:
            detail.update(render_hidden(next(a for a in self.hidden if a.id == actor_id)))
        else:
            detail.update(Text(f"Nothing known about {self.names(actor_id)} at this moment.", style="dim italic"))

    def select_actor(self, actor_id: str) -> None:
        self.current = actor_id
        self.show_hidden = self.show_hidden or self._is_hidden(actor_id)  # asked for by name: shown
        self._fill()
        self.load_actor(actor_id)

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self._fill()

    def action_find(self) -> None:
        self.query_one("#actor-find", Input).focus()

    def action_clear_find(self) -> None:
        self.query_one("#actor-find", Input).value = ""
        self.query_one(OptionList).focus()

    def log_prefill(self) -> Prefill | None:
        """'n' here logs an event involving the selected actor."""
        return Prefill(actors=[self.current], who=self.current) if self.current else None
