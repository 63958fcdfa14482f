"""Completion from what the log already knows: tracks, actors, meetings, issues."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import SuggestFromList


class ListSuggester(SuggestFromList):
    """Like `SuggestFromList`, but completes the last item of a comma-separated list too."""

    def __init__(self, suggestions: Iterable[str], *, multiple: bool = False) -> None:
        super().__init__(suggestions, case_sensitive=False)
        self.multiple = multiple

    async def get_suggestion(self, value: str) -> str | None:
        if not self.multiple or "," not in value:
            return await super().get_suggestion(value)
        head, _, last = value.rpartition(",")
        token = last.lstrip()
        if not token:
            return None
        done = {part.strip() for part in head.split(",")}
        for candidate, folded in zip(self._suggestions, self._for_comparison, strict=False):
            if folded.startswith(token) and candidate not in done:
                return value[: len(value) - len(token)] + candidate
        return None
