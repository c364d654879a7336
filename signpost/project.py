"""Where a build reads from: one small value every command is handed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a build reads from: the content an editor writes, and the code's templates and assets."""

    content: Path
    templates: Path
    assets: Path

    @classmethod
    def at(cls, root: Path, content: Path | None = None) -> Project:
        return cls(Path(content or root / "content"), root / "templates", root / "assets")
