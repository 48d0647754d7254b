"""Regenerate the documentation pages made from code: ``python -m lianfang.docs`` (``make docs``).

Run from the repository root. ``--check`` writes nothing and exits 1 when a page is stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from lianfang.io.atomic import OutputError, write_atomic


def _rules_md() -> str:
    from lianfang.rules.docs import render_rules_md

    return render_rules_md()


# page (relative to the repository root) → the function that renders it
PAGES: dict[str, Callable[[], str]] = {
    "docs/rules.md": _rules_md,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lianfang.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: the current folder)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a page is stale")
    args = parser.parse_args(argv)
    stale = []
    for rel, render in PAGES.items():
        path = args.root / rel
        text = render()
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            continue
        stale.append(rel)
        if not args.check:
            try:
                write_atomic(path, text, force=True)
            except OutputError as e:
                print(e, file=sys.stderr)
                return 2
            print(f"wrote {rel}")
    if args.check and stale:
        print("stale: " + ", ".join(stale) + " (run make docs)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
