"""The web editor at /admin/: Decap CMS, configured from schema.py so its form matches the build.

The admin page is the only page that loads the CMS: its files are written beside the site's
pages and no patient page links to them. Its config is made here from the same field list
content.py checks against, so a key the build accepts is always in the form and the other way round.

Where the CMS bundle comes from: the pinned npm package `decap-cms`, copied from node_modules
when it is installed (same origin, so every lazily loaded chunk is covered by the page's CSP and
works offline); otherwise from a CDN with Subresource Integrity on the bundle, so building the
patients' pages never needs node.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .model import SiteConfig
from .schema import PAGE_FIELDS, SITE_FIELDS, TIP_FIELDS, Field

if TYPE_CHECKING:
    from .memo import FileStore

DECAP_VERSION = "3.16.3"   # package.json pins the same; tests/test_admin.py checks they agree
YAML_VERSION = "2.8.2"
# sha384 of node_modules/decap-cms/dist/decap-cms.js at DECAP_VERSION (checked by a test).
DECAP_SRI = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
CDN = "https://cdn.jsdelivr.net/npm"
SOURCE_KEY = "__signpost_source"   # where signpost-cms.js keeps a file's original text while it is edited
LOCAL_PORT_OFFSET = 81             # decap-server listens on the preview's port + 81 (8000 → 8081)
HERE = Path(__file__).parent / "admin"

WIDGETS: dict[str, dict[str, object]] = {"text": {"widget": "string"}, "long text": {"widget": "text"}, "web address": {"widget": "string"},
           "switch": {"widget": "boolean"}, "whole number": {"widget": "number", "value_type": "int"},
           "date": {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                    "time_format": False, "picker_utc": True},
           "picture": {"widget": "image", "choose_url": False},
           "word list": {"widget": "list"},   # one text box, items separated by commas
           "list": {"widget": "list", "collapsed": False, "summary": "{{fields.item}}",
                    "field": {"name": "item", "label": "Item", "widget": "string"}}}


def wanted(config: SiteConfig, preview: bool) -> bool:
    """The preview always has the editor (saving through decap-server); a published site only
    when site.yml says where the editor saves."""
    return preview or bool(config.cms_backend)


def form_field(field: Field) -> dict[str, object]:
    entry: dict[str, object] = {"name": field.name, "label": field.label, **WIDGETS[field.kind], "required": field.required}
    if field.hint:
        entry["hint"] = field.hint
    if field.kind == "switch":
        entry["default"] = False
    return entry


def backend(config: SiteConfig) -> dict[str, object]:
    if config.cms_backend == "github":
        return {"name": "github", "repo": config.cms_repo, "branch": config.cms_branch}
    return {"name": "git-gateway", "branch": config.cms_branch}


def cms_config(config: SiteConfig, preview: bool) -> dict[str, object]:
    """Decap's config.yml as a dict. The preview saves files through decap-server (simple
    saves, so the preview updates at once); a published site goes through the editorial
    workflow: draft → in review → ready, each a branch and pull request until published."""
    body = {"name": "body", "label": "Text", "widget": "markdown", "modes": ["raw"],   # the rich editor rewrites all of a text in its own Markdown style
            "hint": "Markdown: ## for a heading, - for a list. Link to another tip by its file name, e.g. shoes.md."}
    markdown = {"extension": "md", "format": "signpost-md", "create": True, "slug": "{{slug}}"}
    settings = {"name": "settings", "label": "Settings", "editor": {"preview": False}, "files": [
        {"name": "site", "label": "Site settings", "file": "content/site.yml", "format": "signpost-yml",
         "fields": [form_field(f) for f in SITE_FIELDS]}]}
    result: dict[str, object] = {
        "backend": backend(config),
        "media_folder": "content/images",
        "public_folder": "../images",
        "site_url": config.base_url,
        "collections": [
            {"name": "tips", "label": "Tips", "label_singular": "Tip", "folder": "content/tips", **markdown,
             "summary": "{{title}}", "sortable_fields": ["title", "date", "order"],
             "fields": [form_field(f) for f in TIP_FIELDS] + [body]},
            {"name": "pages", "label": "Pages", "label_singular": "Page", "folder": "content/pages", **markdown,
             "fields": [form_field(f) for f in PAGE_FIELDS] + [body]},
            settings,
        ],
    }
    if preview:
        result["local_backend"] = True   # signpost-cms.js points it at decap-server's port
    else:
        result["publish_mode"] = "editorial_workflow"
    return result


def csp(config: SiteConfig, preview: bool, bundled: bool) -> str:
    """The admin page's own policy: the CMS styles itself inline and shows uploads as blob: and
    data: pictures; it talks to decap-server (preview) or the git host (published). Decap checks
    its config with ajv, which compiles validators with new Function: 'unsafe-eval' is needed here,
    on this page only, and the page holds no patient content."""
    scripts = "'self' 'unsafe-eval'" if bundled else f"'self' 'unsafe-eval' {CDN}"
    if preview:
        connect = "'self' http://127.0.0.1:* http://localhost:*"
    elif config.cms_backend == "github":
        connect = "'self' https://api.github.com"
    else:
        connect = "'self' https:"
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob: https:; connect-src {connect}; frame-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'none'")


def decap_dist(root: Path) -> Path:
    return root / "node_modules" / "decap-cms" / "dist"


def bundled(root: Path) -> bool:
    return (decap_dist(root) / "decap-cms.js").is_file() and (yaml_dist(root) / "index.js").is_file()


def yaml_dist(root: Path) -> Path:
    return root / "node_modules" / "yaml" / "browser" / "dist"


def page_context(config: SiteConfig, preview: bool, root: Path) -> dict[str, str]:
    """What templates/admin/index.html needs: where the scripts come from and the policy."""
    local = bundled(root)
    return {
        "page_url": "admin/",
        "csp": csp(config, preview, local),
        "decap_src": "decap-cms.js" if local else f"{CDN}/decap-cms@{DECAP_VERSION}/dist/decap-cms.js",
        "decap_integrity": "" if local else DECAP_SRI,
        "yaml_src": "./yaml/index.js" if local else f"{CDN}/yaml@{YAML_VERSION}/browser/dist/index.js",
        "cms_config": json.dumps(cms_config(config, preview), indent=1),
    }


def admin_sources(root: Path) -> dict[str, Path]:
    """The admin folder's files other than its page and config, by output path: Signpost's own
    scripts, and the CMS and YAML library from node_modules when they are installed."""
    files = {f"admin/{f.name}": f for f in sorted(HERE.iterdir()) if f.suffix == ".js"}
    if not bundled(root):
        return files
    for file in sorted(decap_dist(root).iterdir()):  # the bundle, its lazily loaded chunks and wasm
        if file.name.endswith(("decap-cms.js", ".wasm")):
            files[f"admin/{file.name}"] = file
    for file in sorted(yaml_dist(root).rglob("*.js")):
        files[f"admin/yaml/{file.relative_to(yaml_dist(root)).as_posix()}"] = file
    return files


def copied(out_path: str, source: Path, memo: FileStore | None) -> bytes:
    """A file's bytes, taken from the last render while the file is unchanged: the bundle is
    6.8 MB, too much to read again on every save in the preview."""
    if memo is None:
        return source.read_bytes()
    stat = source.stat()
    key = f"copied:{stat.st_mtime_ns}:{stat.st_size}"
    data = memo.reuse(out_path, key)
    if data is None:
        data = source.read_bytes()
    memo.keep(out_path, key, data)
    return data


def render_admin(env: Environment, config: SiteConfig, preview: bool, root: Path,
                 memo: FileStore | None = None) -> Iterator[tuple[str, bytes]]:
    """Yield (output path, bytes) for everything under admin/, or nothing when it is not wanted."""
    if not wanted(config, preview):
        return
    context = {**page_context(config, preview, root), "local_offset": LOCAL_PORT_OFFSET}
    for name in ("index.html", "config.yml"):
        yield f"admin/{name}", env.get_template(f"admin/{name}").render(context).encode()
    for out_path, source in admin_sources(root).items():
        yield out_path, copied(out_path, source, memo)
