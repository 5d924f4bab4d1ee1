"""Generated parts of a Markdown document (ODD.md's tables): the text between
``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` rewritten from the code, so the tables
that ``tests/test_docs.py`` checks are written by one rule."""

from __future__ import annotations

__all__ = ["replace_between_markers"]


def replace_between_markers(text: str, marker: str, body: str) -> str:
    """``text`` with what lies between the ``marker``'s start and end comments replaced by
    ``body`` (a blank line either side); a ValueError when either comment is missing."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"markers {start} ... {end} not found")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    return f"{head}{start}\n\n{body}\n\n{end}{tail}"
