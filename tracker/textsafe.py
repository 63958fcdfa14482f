"""Text from the log is data: make it safe to print to a terminal.

Control characters (ANSI/OSC escapes start with ESC) and bidi overrides could restyle or hide
output; they are shown as visible escapes instead. Where Rich renders, the views also keep markup
from being parsed (tui.widgets.text builds inert `Text` objects).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _show(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, single_line: bool = False) -> str:
    """Replace terminal control and bidi control characters with visible escapes."""
    out = _UNSAFE.sub(_show, text)
    if single_line:
        out = out.replace("\n", " ").replace("\t", " ")
    return out
