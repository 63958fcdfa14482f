"""What the `tracker bench` command offers before it runs anything: its phases and default size
(kept apart from the harness, so that every command's start does not import the harness)."""

DEFAULT_EVENTS = 100_000
PHASES = ("generate", "import", "raw", "eventsourcing", "rebuild", "es_rebuild", "asof", "tui", "append", "server")
