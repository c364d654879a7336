"""Signpost's command line: build, serve, check, new, quiz, sign-off, safety-report. See README.md.

The same `main` runs as `signpost`, `python -m signpost` and `build.py` (which names its own
folder as the project; the others use the current folder)."""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from signpost.paths import Folders, project_folders

if TYPE_CHECKING:   # imported when needed, so `--help` and usage errors stay quick
    from signpost.project import Project
    from signpost.problems import Problem


def port_number(text: str) -> int:
    """A TCP port, 1-65535: anything else is a usage error, not a traceback from deep in the server."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 1 to 65535")
    return int(text)


def parse_args(argv: list[str], root: Path, prog: str = "signpost") -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Build the clinic's guidance site.")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build content/ into dist/ (the default)")
    build.add_argument("--out", type=Path, default=root / "dist", help="output folder (default: dist/)")
    build.add_argument("--content", type=Path, default=root / "content", help="content folder")
    build.add_argument("--base-url", help="the address the site is published at, e.g. https://clinic.example/guidance/")
    build.add_argument("--no-cache", action="store_true", help="render all Markdown afresh (a cold build)")
    build.add_argument("--release", action="store_true",
                       help="the site to publish: refuse clinical text that no clinician signed off as it is")
    serve = commands.add_parser("serve", help="preview with live reload on http://127.0.0.1:8000")
    serve.add_argument("--port", type=port_number, default=8000)
    serve.add_argument("--content", type=Path, default=root / "content")
    serve.add_argument("--host", help="listen on this address, e.g. 0.0.0.0: others on your network can then "
                       "see the preview (default: 127.0.0.1, this computer only)")
    serve.add_argument("--preview-dir", type=Path, help="where the preview is built (default: .preview/)")
    check = commands.add_parser("check", help="find broken links, overdue reviews and hard-to-read tips")
    check.add_argument("--format", choices=("text", "json"), default="text", help="json: for other tools")
    check.add_argument("--weights", action="store_true",
                       help="also weigh every page (HTML, CSS, JS; raw and gzip) against the 14 KB budget")
    check.add_argument("--content", type=Path, default=root / "content")
    check.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="YYYY-MM-DD")
    new = commands.add_parser("new", help='start a new tip as a draft: build.py new tip "Title"')
    new.add_argument("kind", choices=("tip",))
    new.add_argument("title")
    new.add_argument("--content", type=Path, default=root / "content")
    new.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="YYYY-MM-DD")
    report = commands.add_parser("safety-report", help="a printable clinical safety report: red flags, proofs, "
                                 "scenarios and sign-off")
    report.add_argument("--content", type=Path, default=root / "content")
    report.add_argument("--out", type=Path, default=Path("safety-report.html"), help="default: safety-report.html")
    report.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="YYYY-MM-DD")
    commands.add_parser("quiz", help="try answers on a quiz: build.py quiz FILE --answers 'q=a,…'", add_help=False)
    sign_off = commands.add_parser("sign-off", help='record that a clinician approved a tip or quiz as it is now: '
                                   'build.py sign-off FILE --by "Name, role"')
    sign_off.add_argument("file", type=Path, help="the tip or quiz, e.g. content/tips/rest.md")
    sign_off.add_argument("--by", required=True, help='who approved it, and their role: "Sam Lee, physiotherapist"')
    sign_off.add_argument("--content", type=Path, default=root / "content")
    sign_off.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="YYYY-MM-DD")
    args, rest = parser.parse_known_args(argv)
    if args.command != "quiz" and rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    args.rest = rest
    return args


FOLDER_OPTIONS = (("content", "--content"), ("out", "--out"), ("preview_dir", "--preview-dir"))


def unusable_paths(args: argparse.Namespace) -> list[Problem]:
    """Paths given on the command line that lead nowhere: a link loop, or a file on the way to them.

    Found here, once, rather than as a traceback from whichever step first resolves them."""
    from signpost.problems import problem

    found = []
    for name, option in FOLDER_OPTIONS:
        path = getattr(args, name, None)
        if path is None:
            continue
        try:
            os.stat(path)
        except FileNotFoundError:   # a new --out folder is made by the build; a missing site.yml is reported by it
            continue
        except OSError as error:
            hint = ("One of the links on the way leads back to itself: give the real folder instead."
                    if error.errno == errno.ELOOP else f"Give another {option}.")
            found.append(problem(path, None, f"{option} can't be used: {error.strerror}", hint))
    if args.command == "serve" and not found and not args.content.is_dir():   # the preview watches it for saves
        found.append(problem(args.content, None, "--content must be a folder that exists",
                             "Give the folder that holds site.yml, tips/ and pages/."))
    return found


def cache_name(*folders: Path) -> str:
    """A short name for what is cached about these folders (gitignored .cache/)."""
    return hashlib.sha256("\0".join(str(f.resolve()) for f in folders).encode()).hexdigest()[:16]


def project(args: argparse.Namespace, folders: Folders) -> Project:
    """The content named on the command line, with the project's (or Signpost's own) templates and assets."""
    from signpost.project import Project

    return Project(args.content, folders.templates, folders.assets)


def run_build(args: argparse.Namespace, folders: Folders) -> int:
    from signpost.incremental import Cold, Warm
    from signpost.pipeline import build
    from signpost.problems import BuildFailed

    workers = os.cpu_count() or 1
    speedups = Cold(workers) if args.no_cache else Warm.on_disk(
        folders.cache, cache_name(args.content), cache_name(args.content, args.out), args.out, workers)
    try:
        report = build(project(args, folders), args.out, base_url=args.base_url, release=args.release,
                       speedups=speedups)
    except BuildFailed as failure:
        for item in failure.problems:
            print(item, file=sys.stderr)
        count = len([p for p in failure.problems if p.severity == "error"])
        print(f"Build failed: {count} problem{'s' if count != 1 else ''} to fix. "
              f"The published site in {args.out} was not changed.", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    for proof in report.proofs:
        print(proof)
    print(report.summary())
    return 0


def run_check(args: argparse.Namespace, folders: Folders) -> int:
    from signpost.check import check_site, format_report

    report = check_site(project(args, folders), args.today, weights=args.weights)
    print(format_report(report, args.format))
    return 1 if report.errors else 0


def run_new(args: argparse.Namespace, folders: Folders) -> int:
    from signpost.scaffold import create_tip, next_steps

    new, problems = create_tip(project(args, folders), args.title, args.today)
    for item in problems:
        print(item, file=sys.stderr)
    if new is None:
        return 1
    print(next_steps(new))
    return 0


def run_safety_report(args: argparse.Namespace, folders: Folders) -> int:
    from signpost.problems import BuildFailed
    from signpost.safety import safety_report, write_report

    try:
        html = safety_report(project(args, folders), args.today)
    except BuildFailed as failure:
        for item in failure.problems:
            print(item, file=sys.stderr)
        print("No report: the site does not build. Fix the problems above first.", file=sys.stderr)
        return 1
    print(f"Wrote the clinical safety report to {write_report(html, args.out)} (open it in a browser to print it)")
    return 0


def run_sign_off(args: argparse.Namespace, folders: Folders) -> int:
    from signpost.pipeline import load_site
    from signpost.signoff import sign_off

    message, problems = sign_off(project(args, folders), args.file, args.by, args.today, load_site)
    for item in problems:
        print(item, file=sys.stderr)
    if problems:
        return 1
    print(message)
    return 0


def main(argv: Sequence[str] | None = None, root: Path | None = None, prog: str = "signpost") -> int:
    """Run one command; its exit status. `root` is the project folder (default: the current one)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    folders = project_folders(Path.cwd() if root is None else root)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["build", *argv]
    args = parse_args(argv, folders.root, prog)
    unusable = unusable_paths(args)
    for item in unusable:
        print(item, file=sys.stderr)
    if unusable:
        return 1
    if args.command == "build":
        return run_build(args, folders)
    if args.command == "serve":
        from signpost.serve import serve
        preview = args.preview_dir or folders.root / ".preview"
        return serve(project(args, folders), args.port, preview, host=args.host, npm_root=folders.root)
    if args.command == "check":
        return run_check(args, folders)
    if args.command == "new":
        return run_new(args, folders)
    if args.command == "safety-report":
        return run_safety_report(args, folders)
    if args.command == "sign-off":
        return run_sign_off(args, folders)
    if args.command == "quiz":
        from signpost.quiz.cli import main as quiz_main
        return quiz_main(argv[1:])
    return 2

