"""Text from the log is data: make it safe to print to a terminal.

Control characters (ANSI/OSC escapes start with ESC) and bidi overrides could restyle or hide
output; they are shown as visible escapes instead. Rich/Textual markup is escaped separately
where Rich renders (see `markup_safe`).
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape

_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
         "\u200e", "\u200f", "\u061c"}
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


def markup_safe(text: str, *, single_line: bool = False) -> str:
    """Printable and with Rich markup escaped: for any string interpolated into markup."""
    return escape(printable(text, single_line=single_line))


def is_unsafe_char(ch: str) -> bool:
    return bool(_UNSAFE.match(ch)) or (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
