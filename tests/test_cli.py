"""signpost/cli.py and paths.py: one command line for `signpost`, `python -m signpost` and build.py,
and where each finds content, output, cache, templates and assets."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from signpost.cli import main
from signpost.paths import project_folders, shipped
from tests.sitekit import ROOT, make_content, snapshot


def test_a_checkout_ships_its_own_templates_and_assets():
    assert shipped("templates") == ROOT / "templates"
    assert shipped("assets") == ROOT / "assets"
    folders = project_folders(ROOT)
    assert (folders.templates, folders.assets, folders.cache) == (ROOT / "templates", ROOT / "assets", ROOT / ".cache")


def test_a_folder_without_templates_builds_with_the_shipped_ones(tmp_path, capsys):
    make_content(tmp_path)
    assert main(["build"], root=tmp_path) == 0
    assert capsys.readouterr().out.endswith(f"into {tmp_path / 'dist'}\n")
    assert (tmp_path / "dist" / "tips" / "warm-up" / "index.html").is_file()
    assert [p.name for p in (tmp_path / ".cache").iterdir()]   # the project's own cache, not the checkout's
    assert not (tmp_path / "templates").exists()


def test_a_project_with_its_own_templates_builds_with_them(tmp_path):
    make_content(tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    base = tmp_path / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Our own footer</p></footer>", 1),
                    encoding="utf-8")
    assert main(["build", "--no-cache"], root=tmp_path) == 0
    assert "<p>Our own footer</p>" in (tmp_path / "dist" / "index.html").read_text(encoding="utf-8")


def test_signpost_works_from_the_current_folder_as_build_py_does_from_its_own(tmp_path):
    make_content(tmp_path)
    here = subprocess.run([sys.executable, "-m", "signpost", "build", "--no-cache"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert here.returncode == 0, here.stderr
    beside = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-cache", "--content",
                             str(tmp_path / "content"), "--out", str(tmp_path / "by-build-py")],
                            capture_output=True, text=True)
    assert beside.returncode == 0, beside.stderr
    assert snapshot(tmp_path / "dist") == snapshot(tmp_path / "by-build-py")


def test_each_entry_names_itself_in_its_usage(tmp_path):
    usage = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True)
    assert usage.stdout.startswith("usage: build.py ")
    usage = subprocess.run([sys.executable, "-m", "signpost", "--help"], cwd=tmp_path, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert usage.stdout.startswith("usage: signpost ")
