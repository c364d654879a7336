"""Build small sites from a dict of files, as editors would write them, into a temp folder."""
from __future__ import annotations

import io
import textwrap
from pathlib import Path

from signpost.pipeline import Project, build

ROOT = Path(__file__).resolve().parent.parent

SITE_YML = """\
name: Test Clinic
tagline: Back pain guidance
base_url: https://clinic.example/
booking_url: https://clinic.example/book
phone: 0100 000 000
footer: Test Clinic footer.
"""


def tip(title="Warm up", summary="Get ready to run.", tags="[running]", body="## One\n\nText.\n", **extra) -> str:
    """The text of a tip file; extra front-matter keys as keyword arguments."""
    lines = [f"title: {title}", f"summary: {summary}", f"tags: {tags}", "date: 2026-01-10", "reviewed: 2026-01-10"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def picture(width: int = 4, height: int = 3, color=(0, 94, 184), fmt: str = "PNG", mode: str = "RGB") -> bytes:
    """A real picture file, as a camera or drawing program would save it, made by Pillow."""
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, (width, height), color).save(out, fmt)
    return out.getvalue()


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} under folder; text is dedented so tests can indent it."""
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(textwrap.dedent(data), encoding="utf-8")
    return folder


def make_content(tmp_path: Path, files: dict[str, str | bytes] | None = None, with_defaults=True) -> Path:
    """A content folder: a valid site.yml and one tip unless replaced, plus `files`."""
    defaults = {"site.yml": SITE_YML, "tips/warm-up.md": tip()} if with_defaults else {}
    return write_files(tmp_path / "content", {**defaults, **(files or {})})


def build_site(tmp_path: Path, files=None, out: Path | None = None, **options):
    """Build a site from files into tmp_path/dist with the project's real templates and assets."""
    content = make_content(tmp_path, files)
    out = out or tmp_path / "dist"
    build(Project.at(ROOT, content), out, **options)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path: two builds compare equal only byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
