"""Where the command line finds a project's folders.

A project is a folder holding content/ (and, by default, dist/, .cache/ and .preview/): the
checkout beside build.py, or the current folder for the installed `signpost` command. Its own
templates/ and assets/ are used when it has them; otherwise the ones Signpost ships."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Folders:
    root: Path
    templates: Path
    assets: Path

    @property
    def cache(self) -> Path:
        return self.root / ".cache"


def project_folders(root: Path) -> Folders:
    return Folders(root, own_or_shipped(root, "templates"), own_or_shipped(root, "assets"))


def own_or_shipped(root: Path, name: str) -> Path:
    own = root / name
    return own if own.is_dir() else shipped(name)


def shipped(name: str) -> Path:
    """Signpost's own templates/ or assets/: inside the installed package (the wheel puts them in
    signpost/site/), or at the top of a checkout, where they live."""
    installed = PACKAGE / "site" / name
    return installed if installed.is_dir() else PACKAGE.parent / name
