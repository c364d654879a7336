#!/usr/bin/env python3
"""Signpost's command line, run from a checkout: this folder is the project (content/, dist/,
.cache/, templates/, assets/), whatever the current folder. The installed `signpost` command
runs the same main on the current folder; see signpost/cli.py."""
import sys
from collections.abc import Sequence
from pathlib import Path

from signpost import cli

ROOT = Path(__file__).resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, root=ROOT, prog="build.py")


if __name__ == "__main__":
    sys.exit(main())
