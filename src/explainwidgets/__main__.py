"""Command line: ``explainwidgets deck NOTEBOOK -o OUT [--execute] [--strict]``.

Also ``python -m explainwidgets deck …``. The format comes from the output's suffix
(.html: one offline file with live widgets; .pptx: PowerPoint).
"""

from __future__ import annotations

import argparse
import sys
import warnings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="explainwidgets",
        description="Turn a notebook into decisions a manager can make.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    deck = sub.add_parser(
        "deck",
        help="export a notebook as a stakeholder deck (.html or .pptx)",
        description=(
            "Export a notebook as a stakeholder deck: code hidden, slides split at headings, "
            "cells tagged so-what/appendix/notes/skip honoured. .html is one offline file "
            "whose widgets stay live without Python; .pptx is PowerPoint."
        ),
    )
    deck.add_argument("notebook", help="the .ipynb file (never modified)")
    deck.add_argument("-o", "--output", required=True, help="deck file: NAME.html or NAME.pptx")
    deck.add_argument(
        "--execute", action="store_true", help="run the notebook first (saves widget state)"
    )
    deck.add_argument(
        "--strict", action="store_true", help="fail if slide text uses machine-learning jargon"
    )
    deck.add_argument(
        "--split-level",
        type=int,
        default=2,
        choices=range(1, 7),
        metavar="N",
        help="headings of level N or higher start a new slide (default 2)",
    )
    deck.add_argument("--timeout", type=int, default=600, help="seconds per cell with --execute")
    deck.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    return parser


def _deck(args: argparse.Namespace) -> int:
    from explainwidgets.export import DeckError, export_deck

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            report = export_deck(
                args.notebook,
                args.output,
                execute=args.execute,
                strict=args.strict,
                split_level=args.split_level,
                timeout=args.timeout,
                progress=not args.quiet,
            )
        except DeckError as exc:
            print(f"explainwidgets deck: error: {exc}", file=sys.stderr)
            return 1
    from explainwidgets.export import DeckWarning

    for w in caught:
        if issubclass(w.category, DeckWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    if not args.quiet:
        kb = report.size / 1024
        print(
            f"wrote {report.path} ({report.format}, {report.slides} slides, "
            f"{report.widgets_live} live widget(s), {kb:,.0f} KB)"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "deck":
        return _deck(args)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
