"""Marked blocks in source files: `# BEGIN SOLUTION` … `# END SOLUTION` in the references (cut
into stubs by grader.stubs) and `# BEGIN HIDDEN` … `# END HIDDEN` in the checks (cut out of the
student release by grader.release). Both read their files through `marked_lines`, so they agree
on what a block is and refuse the same mistakes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

Place = Literal["outside", "begin", "inside", "end"]


class MarkerError(ValueError):
    """Markers that do not pair up; `str()` names the file and line."""


def marked_lines(source: str, begin: str, end: str, name: str = "<source>",
                 keepends: bool = False) -> Iterator[tuple[Place, str]]:
    """Each line of `source` with where it lies: outside a block, on its markers, or inside it.
    Raises MarkerError on a nested, unopened or unclosed block."""
    opened = None
    for number, line in enumerate(source.splitlines(keepends), 1):
        marker = line.strip()
        if marker == begin:
            if opened is not None:
                raise MarkerError(f"{name}:{number}: {begin} inside the block opened at line {opened}")
            opened = number
            yield "begin", line
        elif marker == end:
            if opened is None:
                raise MarkerError(f"{name}:{number}: {end} without {begin}")
            opened = None
            yield "end", line
        else:
            yield ("outside" if opened is None else "inside"), line
    if opened is not None:
        raise MarkerError(f"{name}:{opened}: {begin} is never closed")
