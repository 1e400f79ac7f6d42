"""The `annotator` command.

Each subcommand lives in its own module ``annotator/cli/cmd_<name>.py`` that
defines ``register(subparsers)``; it adds its parser and sets
``func=callable(args) -> int`` as the default. With no subcommand the GUI opens.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from annotator import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing error: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Code defection events in news articles. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import annotator.cli as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"annotator.cli.{info.name}")
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        from annotator.cli.cmd_gui import run_gui

        return run_gui(None)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"annotator {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
