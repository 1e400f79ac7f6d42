"""Splitting an article into weighted sentences by character offsets.

Saved web pages carry menus, related-post teasers and captions around the
article body; each sentence gets a weight (1.0 body, 0.8 headline, 0.5
caption, 0.3 teaser, 0.15 navigation) so that evidence from the body wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = {"no", "nov", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
           "lt", "col", "capt", "maj", "gen", "sgt", "cpl", "pte", "pvt", "brig", "mr", "mrs", "ms", "dr",
           "st", "u.s", "u.n", "vs", "etc", "cpt", "sr", "jr", "gov", "lt.-col", "approx", "e.g", "i.e"}
_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_CAPTION = re.compile(r"/\s*[A-Z][\w .’'-]{1,40}$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    weight: float


_PHOTO = re.compile(r"(?i)^[\[(]?(?:photo|picture|image|caption|file\s+photo|pictured|above|top|main\s+photo)\s*(?:\([^)]{0,40}\))?\s*[:|–—-]")
_CREDIT = re.compile(r"[.!?][\"”’]?\s+\((?:(?i:photo|picture|image)\s*(?::|by)\s*)?(?:[A-Z][\w’'.-]*\s*){1,5}(?:/\s*[A-Z][\w’'.-]*\s*)?\)$|"
                     r"\((?i:photo|picture|image)\s*(?::|by)\s*[^()]{2,40}\)\.?$")
_TEASER = re.compile(r"(?i)^(?:related|read\s+more|also\s+read|read\s+also|see\s+also|more\s+on\s+this|recommended|you\s+may\s+also\s+like|"
                     r"latest|trending|most\s+read)\s*[:|–—-]")


_LINKS_HEADING = re.compile(r"(?i)^(?:related(?:\s+(?:posts?|stories|news|articles?|coverage))?|read\s+more|more\s+(?:stories|news|from\s+\w+)|"
                            r"most\s+(?:read|popular|viewed)|you\s+may\s+also\s+like|recommended(?:\s+for\s+you)?|latest(?:\s+news)?|"
                            r"trending(?:\s+now)?|editor['’]s\s+picks?|top\s+stories)\s*:?$")


def line_weight(line: str) -> float:
    s = re.sub(r"(?:\s*\[\d{1,3}\]|[\u00b9\u00b2\u00b3\u2070-\u2079]+)+$", "", line.strip())  # "... near Pakokku.[3]": a footnote mark
    if re.match(r"\[\d{1,3}\]\s", s):
        return 0.3  # "[2] Interview, 2 April 2023.": a footnote, the source of a report
    if _TEASER.match(s):
        return 0.15  # "Related: Junta troops torch village": a link to another story
    if s.endswith(("...", "…")):
        return 0.3
    if _CAPTION.search(s) or _PHOTO.match(s) or _CREDIT.search(s):
        return 0.5  # "Photo: KIA fighters outside Mansi police station ... (Kachin Daily)": a caption
    words = len(s.split())
    if words >= 4 and s.endswith((".", "!", "?", ".”", '."')):
        return 1.0  # a short sentence is still a sentence
    if len(s) < 40 or words < 6:
        return 0.15
    if not s.endswith((".", "!", "?", "\"", "”", "’", "'", ")")) and len(s) < 200:
        return 0.8
    return 1.0


def unwrap(text: str) -> str:
    """Hard-wrapped text with its in-paragraph line breaks turned into spaces,
    so that sentences are not cut at the wraps; the length and so every
    offset stay the same. Text counts as wrapped when at least 40% of its
    lines are long lines that run on into the next line without ending a
    sentence."""
    lines = text.split("\n")
    nonempty = sum(1 for ln in lines if ln.strip())
    if nonempty < 4:
        return text
    pairs = [(a, b) for a, b in zip(lines, lines[1:])
             if len(a.strip()) >= 40 and b.strip() and not a.rstrip().endswith((".", "!", "?", "\"", "”", ":"))]
    runs_on = len(pairs)
    lower = sum(1 for a, b in pairs if b.strip()[:1].islower() or a.rstrip().endswith((",", "-", "–")))
    if runs_on < 0.4 * nonempty or lower < 0.4 * runs_on:
        return text  # a web page's headline, byline and caption lines are not one wrapped paragraph
    return re.sub(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)",
                  lambda m: " " * len(m.group(0)) if len(_line_before(text, m.start())) >= 40 else m.group(0), text)


def _line_before(text: str, pos: int) -> str:
    return text[text.rfind("\n", 0, pos) + 1:pos].strip()


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    pos = 0
    text = unwrap(text)
    lines = text.split("\n")
    seen: dict[str, int] = {}
    for line in lines:
        key = line.strip()
        if key:
            seen[key] = seen.get(key, 0) + 1
    body_seen = False
    links = False  # under a "Related Posts" / "Most Read" heading: links to other stories
    for line in lines:
        lstart, lend = pos, pos + len(line)
        pos = lend + 1
        if not line.strip():
            continue
        w = line_weight(line)
        if _LINKS_HEADING.match(line.strip()):
            links = True
        elif links and w == 1.0 and len(line) > 150:
            links = False
        if links:
            w = min(w, 0.15)
        if seen.get(line.strip(), 0) > 1:
            w = min(w, 0.3)  # menus and teaser titles repeat on saved web pages
        if w == 0.8 and body_seen:
            w = 0.4  # a title below the article body is a related post's
        if w == 1.0 and len(line) > 150:
            body_seen = True
        start = lstart
        for m in _END.finditer(line):
            cut = lstart + m.start()
            word = re.search(r"([\w.-]+)$", text[start:cut + 1].rstrip(".!?"))
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
            end = lstart + m.end()
            out.append(Sentence(start, end, w))
            start = end
        if start < lend:
            out.append(Sentence(start, lend, w))
    return [_strip(text, s) for s in out if text[s.start:s.end].strip()]


def _strip(text: str, s: Sentence) -> Sentence:
    seg = text[s.start:s.end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return Sentence(s.start + lead, s.end - trail, s.weight)
