"""Pure folds from events to the state of each negotiation track: no I/O, no clock, no database.

- `records`: the unit folded (an event body as a plain dict, with its log position);
- `amend`: corrections and retractions, resolved before any fold (transaction-time acts);
- `families`: one module per family of facts (track, table, agenda, stances, proposals,
  agreements, meetings, claims, actors): how its events fold, freeze, differ and score
  (`family.Family`), written with `facts` (slots, compact dates, claim status);
- `fold`: events of a track -> an order-insensitive accumulator of keyed facts (runs the families' folds);
- `entities`: meetings, proposals, agreements, claims, actors, folded per entity (as their families say);
- `freeze`: accumulator + entities -> the immutable `state.TrackState` a view shows (each family its part);
- `moment`: `Moment`, the rule of the two time axes (as of D, as known at K);
- `replay`: the reference replay of a whole log at a moment;
- `timeline`, `diff`, `actors`, `trend`: the other views, all pure.

The same functions serve the live view, every replay, the read model in SQLite
(tracker.readmodel, which only decides which events to fold) and the tests.
"""
