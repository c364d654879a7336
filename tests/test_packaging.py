"""The package: pyproject.toml is the one list of what Signpost needs, the hashed locks agree with
it, and the wheel works as the `signpost` command in a fresh venv outside the checkout."""
from __future__ import annotations

import ast
import importlib.metadata
import filecmp
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.sitekit import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
RUNTIME = PYPROJECT["project"]["dependencies"]
# Each lock `make lock` writes, and the pyproject lists it must hold.
LOCKS = {
    "requirements.txt": RUNTIME,
    "requirements-dev.txt": RUNTIME + EXTRAS["test"] + EXTRAS["dev"],
    "bench/requirements.txt": RUNTIME + EXTRAS["bench"],
}


def normalised(name: str) -> str:
    """PEP 503: `calmjs.parse` in pyproject is `calmjs-parse` in the lock."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """{name: version} of `name==version` (or `name[extra]==version`) requirements; anything looser fails here."""
    found = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(?:\[[A-Za-z0-9,._-]+\])?==([A-Za-z0-9.+!-]+)", requirement)
        assert match, f"pyproject.toml: '{requirement}' is not pinned exactly (name==version)"
        found[normalised(match[1])] = match[2]
    return found


def read_lock(path: Path) -> dict[str, tuple[str, list[str], list[str]]]:
    """{name: (version, hashes, what needs it)} from a `uv pip compile --generate-hashes` file."""
    entries: dict[str, tuple[str, list[str], list[str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"([A-Za-z0-9._-]+)==(\S+)", line):
            current = normalised(match[1])
            entries[current] = (match[2], [], [])
        elif current and (match := re.match(r"\s+--hash=(sha256:[0-9a-f]{64})", line)):
            entries[current][1].append(match[1])
        elif current and (match := re.match(r"\s+#\s+(?:via\s+)?(\S.*)", line)):
            entries[current][2].append(match[1].strip())
        elif line.strip() and not line.startswith("#"):
            raise AssertionError(f"{path.name}: unexpected line {line!r}")
    return entries


def wanted_by_pyproject(lock: dict) -> set[str]:
    return {name for name, (_, _, via) in lock.items() if "signpost (pyproject.toml)" in via}


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_pyproject_pin_is_in_the_lock_at_its_version(lock_name):
    lock = read_lock(ROOT / lock_name)
    wanted = pins(LOCKS[lock_name])
    missing = sorted(set(wanted) - set(lock))
    assert not missing, f"{lock_name} lacks {missing}: run `make lock`"
    differ = {name: (version, lock[name][0]) for name, version in wanted.items() if lock[name][0] != version}
    assert not differ, f"{lock_name} pins other versions (pyproject, lock): {differ}: run `make lock`"


@pytest.mark.parametrize("lock_name", LOCKS)
def test_the_lock_names_nothing_pyproject_dropped_and_hashes_every_entry(lock_name):
    lock = read_lock(ROOT / lock_name)
    assert wanted_by_pyproject(lock) == set(pins(LOCKS[lock_name])), f"{lock_name} is stale: run `make lock`"
    unhashed = sorted(name for name, (_, hashes, _) in lock.items() if not hashes)
    assert not unhashed, f"{lock_name}: no hashes for {unhashed}"
    orphans = sorted(name for name, (_, _, via) in lock.items()
                     if not any(v == "signpost (pyproject.toml)" or normalised(v) in lock for v in via))
    assert not orphans, f"{lock_name}: nothing needs {orphans}: run `make lock`"


def test_the_dev_lock_can_build_and_install_the_checkout_offline():
    # `make` installs the checkout with --no-build-isolation, so the build backend must be locked too.
    backend = pins(PYPROJECT["build-system"]["requires"])
    lock = read_lock(ROOT / "requirements-dev.txt")
    assert {name: lock[name][0] for name in backend if name in lock} == backend


def test_the_package_imports_only_what_pyproject_declares():
    # The bug that started this: serve.py imported watchfiles and tornado, which pyproject left out.
    imported = set()
    for file in (ROOT / "signpost").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"signpost"}
    providers = importlib.metadata.packages_distributions()
    needed = {normalised(providers[name][0]) for name in third_party}
    assert needed - set(pins(RUNTIME)) == set(), "imported by signpost/ but not in pyproject's dependencies"
    assert {"watchfiles", "tornado"} <= needed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, wait: float = 60.0) -> bytes:
    """The page at url, retried while the server starts."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(wheel, venv) with the wheel installed, its dependencies resolved from its own metadata."""
    where = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(where / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel, = (where / "dist").glob("signpost-*.whl")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True, capture_output=True)
    return wheel, venv


def test_the_wheel_holds_the_package_its_templates_and_assets(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"signpost/site/{path.relative_to(ROOT).as_posix()}"
               for folder in ("templates", "assets") for path in (ROOT / folder).rglob("*") if path.is_file()}
    assert shipped <= names
    assert {"signpost/cli.py", "signpost/__main__.py", "signpost/quiz/load.py"} <= names
    assert not [name for name in names if name.startswith(("tests/", "content/", "bench/")) or "__pycache__" in name]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "signpost = signpost.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    print(f"\nwheel: {wheel.name}, {wheel.stat().st_size:,} bytes")


def test_the_installed_command_builds_the_real_site_as_the_checkout_does(installed, tmp_path):
    _, venv = installed
    elsewhere = tmp_path / "elsewhere"   # no content/, templates/ or assets/: the shipped ones are used
    elsewhere.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import signpost; print(signpost.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout
    assert Path(where).is_relative_to(venv), "the test must run the installed package, not the checkout"

    out = tmp_path / "site"
    done = subprocess.run([str(venv / "bin" / "signpost"), "build", "--content", str(ROOT / "content"),
                           "--out", str(out)], cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("Built ")
    assert (elsewhere / ".cache").is_dir()   # the current folder is the project

    checkout = tmp_path / "checkout-site"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-cache", "--out", str(checkout)],
                   check=True, capture_output=True)
    comparison = filecmp.dircmp(out, checkout)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(p.relative_to(checkout)
                                                                         for p in checkout.rglob("*"))
    differ = [p.relative_to(out) for p in out.rglob("*")
              if p.is_file() and p.read_bytes() != (checkout / p.relative_to(out)).read_bytes()]
    assert differ == [], comparison.report()


def test_python_dash_m_signpost_is_the_same_command(installed, tmp_path):
    _, venv = installed
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "signpost", "check", "--content",
                           str(ROOT / "content")], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    usage = subprocess.run([str(venv / "bin" / "signpost"), "--help"], capture_output=True, text=True)
    assert usage.stdout.startswith("usage: signpost ")


def test_the_installed_command_serves_the_preview(installed, tmp_path):
    _, venv = installed
    port = free_port()
    server = subprocess.Popen([str(venv / "bin" / "signpost"), "serve", "--port", str(port), "--content",
                               str(ROOT / "content")], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        home = fetch(f"http://127.0.0.1:{port}/").decode()
        quiz = fetch(f"http://127.0.0.1:{port}/should-i-see-someone/").decode()
        script, = set(re.findall(r'/(js/quiz\.[0-9a-f]+\.js)"', quiz))
        engine = fetch(f"http://127.0.0.1:{port}/{script}")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Back pain guidance from our physiotherapists" in home, errors
    assert "livereload.js" in home   # the preview's pages, not a copy of dist/
    assert "Should I see someone about my back pain?" in quiz
    assert engine == next((tmp_path / ".preview").glob("js/quiz.*.js")).read_bytes()   # built in the current folder
