"""Text from inputs made safe for where it is read: terminals and Markdown.

HTML escaping lives with the HTML writers (:func:`graphgov.review.render.esc`), spreadsheet
neutralising with the CSV writer (:func:`graphgov.reports.tables.neutralise`). This module holds the
two that every other writer shares:

- :func:`visible` shows characters a terminal would act on (C0/C1 controls such as ESC, DEL) or
  that change how the text around them reads (bidi overrides and isolates, zero-width characters,
  line and paragraph separators) as ``\\xNN`` / ``\\uNNNN`` escapes. Every message graphgov prints
  goes through it, so an id cannot clear the screen or set the terminal's title.
- :func:`md_text` and :func:`md_code` write any text into Markdown so that a CommonMark or GFM
  renderer shows it as that text: never raw HTML, a link, emphasis, a heading or a table break.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: characters shown as escapes although Python calls some of them printable
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u061c\u2060\u2061\u2062\u2063\u2064\ufeff"  # ALM, word joiner, invisible operators, BOM
    "\u2028\u2029\u00ad\u180e"  # line/paragraph separators, soft hyphen, Mongolian vowel separator
)
#: ASCII punctuation that starts or ends inline markup in CommonMark, GFM or a common extension
#: (links, code, emphasis, strike, HTML, entities, tables, math, footnotes, marks). ``:`` and
#: ``+`` are left as they are: a bare URL may become a link, never HTML or script.
#: A line never starts with input text, so block markers such as ``-`` or ``1.`` need nothing.
MARKUP = frozenset("\\`*_[]<>&!|~$^={}()#")
_MARKUP_TABLE = str.maketrans({ch: "\\" + ch for ch in MARKUP})
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"[ \n\r\t]+")


def _escape(ch: str) -> str:
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def is_hidden(ch: str) -> bool:
    """A control, format or separator character, or one of :data:`INVISIBLE`.

    >>> is_hidden("\\x1b"), is_hidden("\\u202e"), is_hidden("a"), is_hidden("é")
    (True, True, False, False)
    """
    return ch in INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def visible(value: Any, keep: str = "") -> str:
    """``value`` as text with every hidden character (see :func:`is_hidden`) shown as an escape.

    ``keep`` lists characters to leave alone (``"\\n"`` for multi-line output).

    >>> visible("a\\x1b[2Jb"), visible("x\\u202ey"), visible("ok\\n", keep="\\n")
    ('a\\\\x1b[2Jb', 'x\\\\u202ey', 'ok\\n')
    """
    text = "" if value is None else str(value)
    if text.isascii():
        if text.isprintable():
            return text
        return _ASCII_CONTROL.sub(lambda m: m[0] if m[0] in keep else _escape(m[0]), text)
    return "".join(_escape(ch) if ch not in keep and is_hidden(ch) else ch for ch in text)


def one_line(value: Any) -> str:
    """Visible text on one line: every run of whitespace (newlines too) becomes one space.

    >>> one_line("a\\n\\n b\\tc")
    'a b c'
    """
    return _SPACES.sub(" ", visible(value, keep="\n\r\t")).strip(" ")


def md_text(value: Any) -> str:
    """Markdown text (also safe in a table cell): every character of :data:`MARKUP` is
    backslash-escaped (CommonMark allows that for any ASCII punctuation), so nothing in it is markup.

    >>> md_text("a|b <script>\\nc"), md_text("**x** [l](javascript:y)")
    ('a\\\\|b \\\\<script\\\\> c', '\\\\*\\\\*x\\\\*\\\\* \\\\[l\\\\]\\\\(javascript:y\\\\)')
    """
    return one_line(value).translate(_MARKUP_TABLE)


def md_code(value: Any) -> str:
    """Markdown inline code: fenced by a backtick run longer than any run inside, padded with a
    space so that a backtick at either end cannot join the fence. Not for table cells (a ``|``
    inside code still ends a GFM cell); use :func:`md_text` there.

    >>> md_code("plain"), md_code("a`b"), md_code("```x")
    ('`plain`', '`` a`b ``', '```` ```x ````')
    """
    text = one_line(value)
    if not text:
        return ""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    if longest == 0 and text.strip() == text and text:
        return f"`{text}`"
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"
