"""Finding the article body inside a whole web page saved as text.

A saved page is the article surrounded by menus, teasers and a footer: many
short lines, and one dense run of long prose lines. The body is the run of
lines with the highest score (Kadane's maximum-sum segment), where a prose
line scores its length and a short line costs a fixed amount; the headline
just above the run is included.
"""
from __future__ import annotations

import re

_PROSE = re.compile(r"[.!?\u201d\"')\]]\s*$|[.!?]\s+\S")
SHORT_COST = 30


def _line_score(line: str) -> float:
    s = line.strip()
    if not s:
        return 0.0
    words = len(s.split())
    if len(s) >= 70 and words >= 10 and _PROSE.search(s):
        return float(len(s))
    return -float(SHORT_COST)


def detect_body(text: str) -> tuple[int, int] | None:
    """(start, end) character offsets of the article body, or None if the text is not a saved page."""
    lines = text.split("\n")
    if len(lines) < 25:
        return None
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    short = sum(1 for ln in lines if ln.strip() and len(ln.strip()) < 40)
    nonblank = sum(1 for ln in lines if ln.strip())
    if nonblank == 0 or short / nonblank < 0.5:
        return None  # mostly prose: an article, not a page
    best, best_i, best_j = 0.0, -1, -1
    cur, cur_i = 0.0, 0
    for j, line in enumerate(lines):
        sc = _line_score(line)
        if cur <= 0:
            cur, cur_i = sc, j
        else:
            cur += sc
        if cur > best:
            best, best_i, best_j = cur, cur_i, j
    if best_i < 0:
        return None
    # take the headline just above the body (the nearest non-blank line, if it looks like a title)
    i = best_i
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k >= 0 and 20 <= len(lines[k].strip()) <= 200 and i - k <= 3:
        i = k
    start = offsets[i]
    end = offsets[best_j] + len(lines[best_j])
    if end - start > 0.9 * len(text.strip()):
        return None
    return start, end
