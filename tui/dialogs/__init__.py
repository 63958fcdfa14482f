"""Modal dialogs: log an event, correct or retract one, jump to a date, the keys."""
