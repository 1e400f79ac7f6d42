"""Exact and near-duplicate detection.

Exact duplicates share the SHA-256 of their whitespace-normalised text.
Near-duplicates are found by shingle containment (Broder 1997): each text is
cut into overlapping 4-word shingles, a fixed quarter of them is kept (those
whose hash is 0 mod 4, so two texts keep the same ones), and an inverted index
from kept shingle to texts gives, for a new text, the share of its kept
shingles found in each earlier text. Containment (shared / smaller set) rather
than Jaccard is used because a saved web page *contains* the article it shows.
Near-duplicate search libraries (datasketch's MinHash LSH) estimate Jaccard and
would miss page-contains-article pairs; this index is exact on the sample and
fast enough for 10,000 articles in well under a second.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter

SHINGLE = 4
SAMPLE_MOD = 4
CONTAINMENT = 0.4
MIN_SHARED = 5
MAX_POSTINGS = 300  # shingles in this many texts are boilerplate, not evidence

_WORD = re.compile(r"\w+")


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def sketch(text: str) -> frozenset[int]:
    words = _WORD.findall(text.casefold())
    out = set()
    for i in range(max(0, len(words) - SHINGLE + 1)):
        h = zlib.crc32(" ".join(words[i:i + SHINGLE]).encode())
        if h % SAMPLE_MOD == 0:
            out.add(h)
    return frozenset(out)


class NearDuplicateIndex:
    def __init__(self) -> None:
        self._postings: dict[int, list[str]] = {}
        self._sizes: dict[str, int] = {}

    def add(self, doc_id: str, sk: frozenset[int]) -> None:
        self._sizes[doc_id] = len(sk)
        for h in sk:
            self._postings.setdefault(h, []).append(doc_id)

    def best_match(self, sk: frozenset[int]) -> tuple[str, float, int] | None:
        """(doc id, containment, size of that doc's sketch) of the most similar earlier text, if near."""
        if len(sk) < MIN_SHARED:
            return None
        counts: Counter[str] = Counter()
        for h in sk:
            post = self._postings.get(h)
            if post and len(post) <= MAX_POSTINGS:
                counts.update(post)
        best = None
        for doc_id, shared in counts.most_common(20):
            if shared < MIN_SHARED:
                break
            other = self._sizes[doc_id]
            cont = shared / max(1, min(len(sk), other))
            if cont >= CONTAINMENT and (best is None or cont > best[1]):
                best = (doc_id, cont, other)
        return best
