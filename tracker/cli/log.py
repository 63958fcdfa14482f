"""`tracker log TYPE --field value ...`: one event from the command line, flags per field."""

from __future__ import annotations

from typing import Any

import click

from events import EVENT_TYPES, STANCES, describe
from events.base import CLAIM_STATUSES
from tracker.cli.common import Context, emit_json, handle_errors, resolve_reported_on, say, to_json
from tracker.forms import (
    OWN_JUDGMENT_TYPES,
    UNSTATED_STATUS,
    DateReading,
    Draft,
    FieldSpec,
    Reference,
    SourceDraft,
    build_event,
    correction_changes,
    field_specs,
    needs_summary,
    needs_track,
    read_dates,
    references,
)
from tracker.service import EVENT_REF_FIELDS, EventFilter, InvalidEvents, Problem, UnknownEvent

# The fields that name another event, by its position or its id: a --target, and what met a deadline.
REF_FIELDS = (*EVENT_REF_FIELDS, "met_by")


def _option(spec: FieldSpec) -> click.Option:
    flag = "--" + spec.name.replace("_", "-")
    help_text = {
        "list": "Repeatable, or comma-separated.",
        "date": ("A planned date, read forward: 'Thursday' is the next one, e.g. '10 March', 'next week'."
                 if spec.ahead else "A date in words or digits, e.g. '10 March', 'next week'."),
        "json": "A JSON object, e.g. '{\"summary\": \"...\"}'.",
        "commitments": "Repeatable 'id=text' (or a JSON list).",
    }.get(spec.kind, "")
    if spec.name in REF_FIELDS:
        help_text = "By its position as 'tracker events' shows it (114 or #114), or its id."
    words = [w for w in ("Required." if spec.required else "", spec.description, help_text) if w]
    kwargs: dict[str, Any] = {"default": None, "help": " ".join(words)}
    if spec.kind in ("list", "commitments"):
        kwargs["multiple"] = True
        kwargs["default"] = ()
    if spec.kind == "choice":
        kwargs["type"] = click.Choice(spec.choices)
    if spec.kind == "number":
        kwargs["type"] = float
    if spec.kind == "integer":
        kwargs["type"] = int
    if spec.kind == "date":
        kwargs["metavar"] = "DATE"
    return click.Option([flag, spec.name], **kwargs)


SOURCE_URL = click.Option(["--source-url", "--url", "source_url"], metavar="URL", multiple=True,
                          help="The URL of the source (the last --source). Repeatable, one per source.")
# Each --source starts a source; the flags after it, up to the next --source, describe it.
SOURCE_PARTS = {"source_url": "url", "source_published": "published", "source_via": "via",
                "source_quote": "quote", "source_credibility": "credibility"}
COMMON = [
    click.Option(["--when", "when"], required=True, metavar="DATE",
                 help="When it happened: '2025-02-18', 'yesterday', 'last week', 'week of 10 Feb', 'Feb 2025'."),
    click.Option(["--reported-on", "reported_on"], metavar="DATE",
                 help="Resolve relative dates against this day (the article's date) instead of today."),
    click.Option(["--summary", "summary"], required=True, help="One line saying what happened."),
    click.Option(["--track", "tracks"], multiple=True, required=True, help="Track id(s). Repeatable."),
    click.Option(["--actor", "actors"], multiple=True,
                 help="Actor id(s) involved. Repeatable. Actors named in other fields are added."),
    click.Option(["--location", "location"], help="Where it happened, e.g. 'Riyadh, Diriyah Palace'."),
    click.Option(["--details", "details"], help="What happened, at more length than the summary."),
    click.Option(["--status", "status"], type=click.Choice(CLAIM_STATUSES),
                 help=f"How sure: a report from unnamed sources is 'reported', not 'confirmed'. Left out, it is "
                      f"'{UNSTATED_STATUS[True]}' with a --source and '{UNSTATED_STATUS[False]}' without one: "
                      f"'confirmed' without a source must be stated."),
    click.Option(["--tag", "tags"], multiple=True, help="A label of your own, e.g. 'leak'. Repeatable."),
    click.Option(["--source", "source_outlet"], metavar="OUTLET", multiple=True,
                 help="Outlet, e.g. 'Reuters'. Repeatable: each --source starts a source, and the "
                      "--source-url/--published/--via/--source-quote after it are that source's."),
    SOURCE_URL,
    click.Option(["--published", "source_published"], metavar="DATE", multiple=True,
                 help="The day the source was published (one day: 'Feb 2025' is refused). After its --source."),
    click.Option(["--via", "source_via"], multiple=True,
                 help="Where we read the source, e.g. 'Russia Matters'. After its --source."),
    click.Option(["--source-quote", "source_quote"], multiple=True,
                 help="Excerpt from the source. After its --source."),
    click.Option(["--credibility", "source_credibility"], type=click.IntRange(1, 6), multiple=True,
                 help="How credible this report is, 1 (confirmed by other sources) to 6 (cannot be judged): "
                      "the second half of an Admiralty grade; the outlet's reliability is graded with "
                      "'tracker log source-graded'. After its --source."),
    click.Option(["--id", "event_id"], help="Use this ULID instead of a new one (re-logging is a no-op)."),
    click.Option(["--expect-position", "expect_position"], type=int,
                 help="Fail unless the log is at this position (optimistic concurrency)."),
    click.Option(["--dry-run", "dry_run"], is_flag=True, help="Validate and show the event; write nothing."),
    click.Option(["--json", "as_json"], is_flag=True, help="Print the stored event as JSON."),
]


_OPTIONAL_HELP = {"tracks": "Track id(s), if any: this type needs none. Repeatable.",
                  "summary": "One line saying what happened; left out, it is written from the fields."}


# A type field named like the envelope's list (track_opened's `track`, actor_described's `actor`:
# the one the event is about) gets no flag of its own: it is the first --track / --actor given.
MERGED = {"track": "tracks", "actor": "actors"}


def _envelope(fields: set[str], event_type: str) -> list[click.Option]:
    """The envelope's options for a type with these fields, each flag once. On analysis-published,
    whose own `url` is the analysis' URL, --url is that field's and the source's is --source-url.
    A type that needs no track or no typed summary (source-graded) has those flags optional."""
    optional = {name for name, needed in (("tracks", needs_track(event_type)), ("summary", needs_summary(event_type)))
                if not needed}
    out = []
    for option in COMMON:
        if option.name in optional:
            option = click.Option(option.opts + [str(option.name)], multiple=option.multiple, required=False,
                                  help=_OPTIONAL_HELP[str(option.name)])
        if option.name == "status" and event_type in OWN_JUDGMENT_TYPES:
            option = click.Option(option.opts + ["status"], type=option.type,
                                  help="How sure. Left out, it is 'confirmed', with a source or without: this "
                                       "records the team's own judgment, not a report.")
        if option is SOURCE_URL and "url" in fields:
            option = click.Option(["--source-url", "source_url"], metavar="URL", multiple=True, help=SOURCE_URL.help)
        merged = [f for f, plural in MERGED.items() if plural == option.name and f in fields]
        if merged:
            option = click.Option(option.opts + [str(option.name)], multiple=True, required=option.required,
                                  help=f"The {merged[0]} this event is about, then any others involved. Repeatable.")
        out.append(option)
    return out


def _make_command(event_type: str) -> click.Command:
    every = field_specs(event_type)
    specs = [s for s in every if s.name not in MERGED]
    about = {name: MERGED[name] for name in {s.name for s in every} & MERGED.keys()}
    names = {s.name for s in specs}
    refs = [name for name in REF_FIELDS if name in names]

    @click.pass_obj
    @handle_errors
    def run(ctx: Context, **kw: Any) -> None:
        reported_on = resolve_reported_on(kw.pop("reported_on"))
        for name in refs:
            if kw.get(name):
                kw[name] = _event_id(ctx, name, kw[name])
        draft_lists = {"tracks": list(kw["tracks"]), "actors": list(kw["actors"])}
        for name in ("source_outlet", *SOURCE_PARTS):
            kw.pop(name)
        sources = click.get_current_context().meta.get(SOURCES_KEY, [])
        # A correction's dates are read as these flags are, and what it would do to its target checked.
        changed: list[DateReading] = []
        if event_type == "correction" and kw.get("target") and kw.get("changes"):
            target = ctx.existing().resolve_event(kw["target"])
            kw["changes"], changed = correction_changes(target, kw["changes"], reported_on)
        draft = Draft(
            type=event_type, when=kw.pop("when"), summary=kw.pop("summary") or "", tracks=list(kw["tracks"]),
            actors=list(kw.pop("actors")), location=kw.pop("location"), details=kw.pop("details"),
            status=kw.pop("status"), tags=list(kw.pop("tags")), sources=sources, event_id=kw.pop("event_id"),
            fields={**{k: v for k, v in kw.items() if k in names},
                    **{field: given[0] for field, plural in about.items() if (given := draft_lists[plural])}},
        )
        try:
            event = build_event(draft, reported_on)
        except InvalidEvents as exc:
            raise InvalidEvents(_which_source(_said_once(exc.problems, about), sources)) from None
        _known_references(ctx, event)
        readings = read_dates(draft, reported_on) + changed
        resolved = "\n".join(line for line in (_provenance(event), _echo(readings)) if line)
        if kw["dry_run"]:
            if kw["as_json"]:
                emit_json(_with_readings(event, readings))
            else:
                say(f"valid {event.type} (not written)\n{resolved}")
            return
        stored = ctx.tracker().log(event, kw["expect_position"])
        if kw["as_json"]:
            emit_json(_with_readings(stored if stored else event, readings))
            return
        if stored is None:
            say(f"already logged: an identical event {event.id} is in the log; nothing written")
        else:
            say(f"logged {event.type} at position {stored.position} (id {stored.id})\n{resolved}")

    params: list[click.Parameter] = [*_envelope({s.name for s in every}, event_type), *(_option(s) for s in specs)]
    return SourcedCommand(event_type.replace("_", "-"), callback=run, params=params, help=describe(event_type))


SOURCES_KEY = "tracker.log.sources"


class SourcedCommand(click.Command):
    """A `tracker log TYPE` command: its source flags grouped by their order on the command line.

    click gathers each repeated flag's values on their own, so which --via goes with which
    --source is read from the parser's record of the order the flags came in (one entry per
    flag given); the groups are left in ctx.meta[SOURCES_KEY] for the callback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, list(args))  # first: --help and plain usage errors as usual
        opts, _, order = self.make_parser(ctx).parse_args(args=list(args))
        values = {name: list(opts.get(name) or []) for name in ("source_outlet", *SOURCE_PARTS)}
        sources: list[dict[str, str]] = []
        for param in order:
            name = param.name or ""
            if name not in values:
                continue
            value = str(values[name].pop(0))
            if name == "source_outlet":
                sources.append({"outlet": value})
                continue
            flag = _flag(param, args)
            if not sources:
                raise click.UsageError(
                    f"{flag} {value!r} comes before any --source: each --source OUTLET starts a source, and the "
                    f"{_part_flags(self)} after it describe that source; nothing was written", ctx)
            part = SOURCE_PARTS[name]
            if part in sources[-1]:
                raise click.UsageError(
                    f"{flag} given twice for the source --source {sources[-1]['outlet']!r} (source "
                    f"{len(sources)}): each source has one; start another with --source; nothing was written", ctx)
            sources[-1][part] = value
        ctx.meta[SOURCES_KEY] = [SourceDraft(**s) for s in sources]
        return rest


def _flag(param: click.Parameter, args: list[str]) -> str:
    """The spelling of a source flag the user typed (--url or --source-url), for the message."""
    opts = getattr(param, "opts", [])
    used = [o for o in opts if any(a == o or a.startswith(o + "=") for a in args)]
    return used[0] if used else (opts[0] if opts else str(param.name))


def _part_flags(command: click.Command) -> str:
    return "/".join(p.opts[0] for p in command.params if isinstance(p, click.Option) and p.name in SOURCE_PARTS)


def _which_source(problems: list[Problem], sources: list[SourceDraft]) -> list[Problem]:
    """A problem with a source says which one, as typed: 'source 2 (--source 'TASS'): ...'."""
    out = []
    for p in problems:
        parts = (p.field or "").split(".")
        if len(parts) > 1 and parts[0] == "sources" and parts[1].isdigit() and int(parts[1]) < len(sources):
            n = int(parts[1])
            p = Problem(p.line, p.field, f"source {n + 1} (--source {sources[n].outlet!r}): {p.message}")
        out.append(p)
    return out


def _provenance(event: Any) -> str:
    """The claim status the event is stored with and each of its sources, a line each."""
    lines = [f"  claim status: {event.status}" + ("" if event.sources else " (no source)")]
    for n, src in enumerate(event.sources, 1):
        extra = [f"{k} {v}" for k, v in (("url", src.url), ("published", src.published), ("via", src.via),
                                          ("credibility", src.credibility)) if v]
        if src.quote:
            extra.append(f"quote {src.quote!r}")
        lines.append(f"  source {n}: {src.outlet}" + (f" ({'; '.join(str(x) for x in extra)})" if extra else ""))
    return "\n".join(lines)


def _event_id(ctx: Context, name: str, ref: str) -> str:
    """The id of the event a --target (or --met-by) names by its position ('114', '#114', as
    'tracker events' shows it) or its id (Tracker.resolve_event); one that names no event is a usage error."""
    try:
        return ctx.existing().resolve_event(ref).id
    except UnknownEvent as exc:
        raise click.BadParameter(str(exc), param_hint="--" + name.replace("_", "-")) from None


def _known_references(ctx: Context, event: Any) -> None:
    """As for --met-by: what the event names that must be in the log already (the deadline it
    extends or meets, the ceasefire it reports violated, the agreement it ratifies, the proposal it
    answers or revises: tracker.forms.references) is there, on each of its tracks, or it is a usage
    error naming the ones that are. Only when logging: an import takes a log in any order."""
    for ref, value in references(event):
        for track in event.tracks:
            if value in _opened(ctx, ref, track, value, 50):
                continue
            known = _opened(ctx, ref, track, None, 200)
            hint = (f"{ref.kind}s {ref.verb} there: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''}"
                    if known else f"none has been {ref.verb} there yet")
            first = " or ".join(f"'tracker log {t.replace('_', '-')}'" for t in ref.opened_by)
            raise click.BadParameter(
                f"no {ref.kind} {value!r} has been {ref.verb} on track {track!r} ({hint}); log it first with {first}, "
                "or check the id; nothing was written", param_hint="--" + ref.field.replace("_", "-"))


def _opened(ctx: Context, ref: Reference, track: str, text: str | None, limit: int) -> list[str]:
    """The ids of the things of `ref`'s kind brought into the log on `track` (newest first, not
    retracted), among the events whose text holds `text`."""
    rows = ctx.existing().events(EventFilter(types=ref.opened_by, tracks=(track,), text=text), limit=limit)
    return list(dict.fromkeys(str(getattr(r.event, ref.key)) for r in rows if not r.retracted))


def _said_once(problems: list[Problem], merged: dict[str, str]) -> list[Problem]:
    """A field given by the first --track / --actor (MERGED) is that flag's value: a problem with
    it is said once, as the list's ('tracks.0'), not again as the field's ('track')."""
    said = {(p.field, p.message) for p in problems}
    return [p for p in problems
            if not (p.field in merged and (f"{merged[p.field]}.0", p.message) in said)]


def _echo(readings: list[DateReading]) -> str:
    """Every date of the event, a line each, as the interval it was read as and on what basis."""
    width = max((len(r.name) for r in readings), default=0)
    return "\n".join(f"  {r.line(width)}" + (f"\n  {'':{width + 1}} warning: {r.warning}" if r.warning else "")
                     for r in readings)


def _with_readings(obj: Any, readings: list[DateReading]) -> dict[str, Any]:
    """The event's JSON (each date with its EDTF form) and, under "dates_read", how each date was read."""
    return {**to_json(obj), "dates_read": [r.as_json() for r in readings]}


class LogGroup(click.Group):
    """Accepts the type as statement-made or statement_made."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name.lower().replace("_", "-"))


@click.group(short_help="Log one event: 'tracker log --help' lists the types.", cls=LogGroup)
def log() -> None:
    """Log one event: `tracker log TYPE --when ... --summary ... --track ...`.

    \b
    Example:
      tracker log statement-made --when yesterday --track ukraine-settlement \\
        --speaker lavrov --issue european-peacekeepers --stance opposes \\
        --summary "Lavrov rules out European troops" --source TASS
    """


for _etype in EVENT_TYPES:
    log.add_command(_make_command(_etype))

__all__ = ["STANCES", "log"]
