#!/usr/bin/env python3
"""Signpost's command line, run from a checkout: this folder is the project (content/, dist/,
templates/, assets/). The same as the installed `signpost` command; see signpost/cli.py."""
import sys
from pathlib import Path

from signpost.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], root=Path(__file__).resolve().parent, prog="build.py"))
