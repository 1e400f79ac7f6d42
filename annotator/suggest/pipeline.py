"""Loading the spaCy pipeline the engine runs on.

Only the named-entity recogniser (and the embedding layer it listens to, if
any) is kept: the engine finds sentences, units, ranks, counts, places and
dates itself with precompiled patterns, so the tagger, parser, lemmatizer and
attribute ruler are disabled. The benchmark loads the plain pipeline through
the same function so both runs compare like with like.
"""
from __future__ import annotations

import spacy
from spacy.language import Language

NEEDED = {"ner", "entity_ruler"}


def load_pipeline(model: str | None) -> tuple[Language, str, str | None]:
    """(nlp, label, warning). Falls back to a blank English pipeline with a
    sentencizer when ``model`` is None or cannot be loaded."""
    warning = None
    if model:
        try:
            nlp = spacy.load(model)
        except (OSError, ImportError, ValueError):
            warning = f"The English model '{model}' is not installed; suggestions use the rules only."
        else:
            keep = set(NEEDED) & set(nlp.pipe_names)
            for name, comp in nlp.pipeline:
                listeners = getattr(comp, "listening_components", None) or []
                if any(lst in keep for lst in listeners):
                    keep.add(name)
            for name in list(nlp.pipe_names):
                if name not in keep:
                    nlp.disable_pipe(name)
            meta = nlp.meta
            name = f"{meta.get('lang', 'xx')}_{meta.get('name', model)}"
            return nlp, f"{name} {meta.get('version', '')}".strip(), None
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp, "rules only (spaCy blank en)", warning
