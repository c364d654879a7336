"""What made a cached result: caches written by other code are never used.

A hash of every Signpost source file and of the versions of the libraries that shape the
output, so a change to the code (a template filter, the Markdown rules, the prover) retires
every cache entry by itself, with no version number for anyone to remember to bump.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

import jinja2
import markdown
import nh3
import rcssmin
import yaml


def code_version() -> str:
    digest = hashlib.sha256()
    for module in (jinja2, markdown, nh3, rcssmin, yaml):
        digest.update(f"{module.__name__} {module.__version__}\n".encode())
    for name in ("calmjs.parse", "pillow", "defusedxml"):   # by metadata: importing Pillow costs every build
        digest.update(f"{name} {importlib.metadata.version(name)}\n".encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


CODE_VERSION = code_version()
