"""content/site.yml → SiteConfig. Unknown keys are errors; every default is written here."""
from __future__ import annotations

from pathlib import Path

from .sources import read_text_file
from .model import SiteConfig
from .problems import problem
from .yamlfile import YamlMap, check_keys, load_yaml, read_int, read_text

REQUIRED = ("name", "base_url", "booking_url", "phone", "footer")
OPTIONAL = {"tagline": "", "language": "en-GB", "review_months": 12, "reading_age": 11, "email": "",
            "cms_backend": "", "cms_repo": "", "cms_branch": "main"}   # the web editor's production backend
CMS_BACKENDS = ("github", "git-gateway")


def load_config(path: Path, display_path: str, base_url_override: str | None = None):
    """Read site.yml; return (SiteConfig or None, problems)."""
    if not path.is_file():
        return None, [problem(display_path, None, "The site settings file is missing.",
                              "Create content/site.yml; see EDITING.md for an example.")]
    text, problems = read_text_file(path, display_path)  # not read_text: a non-UTF-8 file must be a problem
    if text is None:
        return None, problems
    data, problems = load_yaml(text, display_path)
    if data is None and not problems:
        problems.append(problem(display_path, 1, "The site settings file is empty."))
    if problems:
        return None, problems
    if not isinstance(data, YamlMap):
        return None, [problem(display_path, 1, "site.yml must be a list of 'key: value' lines.")]
    check_keys(data, set(REQUIRED) | set(OPTIONAL), display_path, problems)
    values = {key: read_text(data, key, display_path, problems, required=True) for key in REQUIRED}
    for key in ("tagline", "language", "email", "cms_backend", "cms_repo", "cms_branch"):
        values[key] = read_text(data, key, display_path, problems, default=OPTIONAL[key])
    values["review_months"] = read_int(data, "review_months", display_path, problems, OPTIONAL["review_months"], 1)
    values["reading_age"] = read_int(data, "reading_age", display_path, problems, OPTIONAL["reading_age"], 5)
    if values["cms_backend"] and values["cms_backend"] not in CMS_BACKENDS:
        problems.append(problem(display_path, data.line_of("cms_backend"),
                                f"'cms_backend' must be {' or '.join(CMS_BACKENDS)}, got '{values['cms_backend']}'",
                                "Leave it out if the published site has no web editor."))
    if base_url_override:
        values["base_url"] = base_url_override
    for key in ("base_url", "booking_url"):
        if values[key] and not values[key].startswith(("https://", "http://")):
            line = data.line_of(key) if not (key == "base_url" and base_url_override) else None
            problems.append(problem(display_path, line, f"'{key}' must be a full web address, got '{values[key]}'",
                                    "Start it with https://"))
    values["base_url"] = values["base_url"].rstrip("/") + "/"
    return (None if problems else SiteConfig(**values)), problems
