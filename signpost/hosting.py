"""What static hosts read beside the pages: HTTP headers, the 404 page, precompressed files.

Every page carries its own Content-Security-Policy in a <meta> tag (templates/base.html; the
search and admin pages have their own). That tag stays the one source of truth: the header
each host sends is read back from the page, plus `frame-ancestors 'none'`, which a <meta>
policy cannot carry. Pure functions of the rendered files; `with_host_files` is the one hook
a build calls (never the preview).

Netlify and Cloudflare Pages apply *every* `_headers` rule whose pattern matches a path; for
one header set by two matching rules Cloudflare joins the values with a comma (two policies
a browser intersects) and Netlify keeps one of them. So no two rules that set the same header
ever match one path here: a folder gets one wildcard rule only when every file in it is a page
with the same policy, and other pages get a rule each.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli

from .memo import FileStore, same_as_last_time
from .model import SiteConfig
from .write import FINGERPRINTED

TEXT_SUFFIXES = (".html", ".css", ".js", ".xml", ".svg", ".txt", ".json")
COMPRESSED_SUFFIXES = (".br", ".gz")
IMMUTABLE = "public, max-age=31536000, immutable"   # fingerprinted: a new version gets a new name
HTML_CACHE = "no-cache"   # kept, but checked with the server (ETag) before each use
PERMISSIONS = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
               "microphone=(), payment=(), usb=()")
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Permissions-Policy", PERMISSIONS))
# Brotli's best (11) costs ~1 s per MB: worth it for the few shared assets every page loads,
# not for thousands of pages, where quality 5 is 30x faster and ~12% bigger.
BROTLI_ASSET_QUALITY, BROTLI_PAGE_QUALITY, GZIP_LEVEL = 11, 5, 9
COMPRESSION_KEY = f"brotli {brotli.__version__} {BROTLI_ASSET_QUALITY}/{BROTLI_PAGE_QUALITY}, gzip {GZIP_LEVEL}"
META_CSP = re.compile(rb'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """Headers for the URLs a pattern matches ('/tips/*', '/about/')."""

    pattern: str
    headers: tuple[tuple[str, str], ...]


def page_policy(page: bytes) -> str | None:
    """The policy in a page's own <meta http-equiv=Content-Security-Policy>, or None."""
    head = page.split(b"</head>", 1)[0]
    found = META_CSP.search(head)
    return html.unescape(found.group(1).decode("utf-8")) if found else None


def header_policy(meta_policy: str) -> str:
    """The page's policy as an HTTP header, which may also forbid framing the page."""
    return f"{meta_policy.rstrip('; ')}; frame-ancestors 'none'"


def page_headers(policy: str | None) -> tuple[tuple[str, str], ...]:
    csp = (("Content-Security-Policy", header_policy(policy)),) if policy else ()
    return csp + (("Cache-Control", HTML_CACHE),)


def page_urls(path: str) -> list[str]:
    """The URLs a page answers at: 'tips/x/index.html' → ['tips/x/', 'tips/x/index.html']."""
    if path == "index.html" or path.endswith("/index.html"):
        return [path[:-len("index.html")], path]
    return [path]


def is_precompressed(path: str) -> bool:
    return path.endswith(COMPRESSED_SUFFIXES) and path[:-3].endswith(TEXT_SUFFIXES)


def header_rules(policies: dict[str, str | None], others: Iterable[str], base_path: str = "/") -> list[Rule]:
    """Every `_headers` rule: security headers for the whole site, then each page's policy and
    cache time, then a year's cache for fingerprinted assets. `policies`: page path → its
    meta policy; `others`: every other file's path (precompressed siblings left out)."""
    others = sorted(path for path in others if not is_precompressed(path))
    rules = [Rule(f"{base_path}*", SECURITY_HEADERS)]
    for pattern, policy in policy_groups("", policies, others):
        rules.append(Rule(base_path + pattern, page_headers(policy)))
    rules += [Rule(base_path + path, (("Cache-Control", IMMUTABLE),))
              for path in others if FINGERPRINTED.fullmatch(path)]
    return rules


def policy_groups(folder: str, policies: dict[str, str | None], others: list[str]) -> list[tuple[str, str | None]]:
    """(URL pattern, policy) covering every page in `policies` (all under folder: '' or 'tips/'),
    no two overlapping: one wildcard for a folder holding only pages with one policy."""
    if folder and len(set(policies.values())) == 1 and not any(path.startswith(folder) for path in others):
        return [(f"{folder}*", next(iter(policies.values())))]
    groups: list[tuple[str, str | None]] = []
    subfolders: dict[str, dict[str, str | None]] = {}
    for path in sorted(policies):
        rest = path[len(folder):]
        if "/" in rest:
            subfolders.setdefault(folder + rest.split("/", 1)[0] + "/", {})[path] = policies[path]
        else:
            groups += [(url, policies[path]) for url in page_urls(path)]
    for subfolder in sorted(subfolders):
        groups += policy_groups(subfolder, subfolders[subfolder], others)
    return groups


def headers_file(rules: list[Rule]) -> bytes:
    """Netlify's and Cloudflare Pages' `_headers`."""
    lines = ["# Written by Signpost from each page's own Content-Security-Policy; see docs/deploy.md."]
    for rule in rules:
        lines += ["", rule.pattern] + [f"  {name}: {value}" for name, value in rule.headers]
    return ("\n".join(lines) + "\n").encode("utf-8")


def redirects_file(base_path: str) -> bytes | None:
    """Netlify's `_redirects`, for a site under a path: Netlify serves /404.html by itself only
    at the top of the host (Cloudflare Pages finds the nearest 404.html on its own)."""
    if base_path == "/":
        return None
    return f"{base_path}* {base_path}404.html 404\n".encode()


def compressed(path: str, data: bytes) -> list[tuple[str, bytes]]:
    """The .br and .gz beside a text file, each only if smaller than the file; the .gz with
    no name and time in it, so the same bytes always give the same file."""
    if not path.endswith(TEXT_SUFFIXES):
        return []
    quality = BROTLI_ASSET_QUALITY if FINGERPRINTED.fullmatch(path) else BROTLI_PAGE_QUALITY
    made = [(f"{path}.br", brotli.compress(data, quality=quality)),
            (f"{path}.gz", gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))]
    return [(name, packed) for name, packed in made if len(packed) < len(data)]


def compressed_again(path: str, data: bytes, memo: FileStore | None) -> list[tuple[str, bytes]]:
    """compressed(), or with a build's memo (memo.py) the last build's files when they were made
    from the same bytes: a warm build compresses only the files that changed."""
    if memo is None:
        return compressed(path, data)
    digest = getattr(data, "sha256", "") or hashlib.sha256(data).hexdigest()
    key = f"{COMPRESSION_KEY} {digest}"
    last = [(name, memo.reuse(name, key)) for name in (f"{path}.br", f"{path}.gz") if memo.expects(name, key)]
    kept = [(name, packed) for name, packed in last if packed is not None]
    made = kept if last and len(kept) == len(last) else compressed(path, data)
    for name, packed in made:
        memo.keep(name, key, packed)
    return made


def with_host_files(files: Iterable[tuple[str, bytes]], config: SiteConfig,
                    memo: FileStore | None = None) -> Iterator[tuple[str, bytes]]:
    """The site's files, each followed by its precompressed copies, then the host files.
    `files` as render.render_pages yields them; one page at a time is held, as there. `memo` is
    the build's Incremental.last_files (None for a cold build: everything compressed afresh)."""
    policies: dict[str, str | None] = {}
    others: list[str] = []
    for path, data in files:
        yield path, data
        if path.endswith(".html"):
            policies[path] = page_policy(data)
        else:
            others.append(path)
        yield from compressed_again(path, data, memo)
    host_files = {"_headers": headers_file(header_rules(policies, others, config.base_path)),
                  "_redirects": redirects_file(config.base_path)}
    for path, host_file in host_files.items():
        if host_file is not None:
            yield path, host_file if memo is None else same_as_last_time(memo, path, host_file)


def compress_in_folder(folder: Path, paths: list[str]) -> list[str]:
    """Write the .br and .gz beside those of `paths` (files already in `folder`) that are text:
    for files made after the pages, such as the search index's script; the paths written."""
    written = []
    for path in paths:
        for name, packed in compressed(path, (folder / path).read_bytes()):
            (folder / name).write_bytes(packed)
            written.append(name)
    return paths + written


def policies_in(folder: Path) -> dict[str, str | None]:
    """Each built page's policy, read back from a site folder."""
    return {path.relative_to(folder).as_posix(): page_policy(path.read_bytes())
            for path in sorted(folder.rglob("*.html"))}


def nginx_server(policies: dict[str, str | None], base_path: str = "/", root: str = "/srv/www",
                 server_name: str = "_", port: int = 80, brotli_static: bool = True) -> str:
    """An nginx server block (with the map it needs, both for the http context) serving the site
    built for base_path from root + base_path: the same headers as `_headers`, precompressed files,
    and the 404 page with status 404. nginx drops a server's add_header in any location that adds
    its own, so each location repeats the security headers."""
    policy_counts: dict[str | None, int] = {}
    for policy in policies.values():
        policy_counts[policy] = policy_counts.get(policy, 0) + 1
    usual = max(policy_counts, key=lambda p: (policy_counts[p], p or "")) if policy_counts else None
    exceptions = [f'    "{base_path}{path}" "{header_policy(policy) if policy else ""}";'
                  for path, policy in sorted(policies.items()) if policy != usual]
    security = [f'        add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS]
    prefix = re.escape(base_path)
    lines = [
        "# Written by Signpost (signpost/hosting.py); see docs/deploy.md. Goes in nginx's http { } context.",
        "# Each page's Content-Security-Policy comes from the page's own <meta> tag.",
        "map $uri $signpost_csp {",
        f'    default "{header_policy(usual) if usual else ""}";',
        *exceptions,
        "}",
        "",
        "server {",
        f"    listen {port};",
        f"    server_name {server_name};",
        f"    root {root};",
        "    index index.html;",
        "    charset utf-8;   # text/html; charset=utf-8, and the same for scripts and XML",
        "    charset_types text/css text/xml text/plain application/javascript application/atom+xml image/svg+xml;",
        "    server_tokens off;",
        "    absolute_redirect off;",
        "    gzip_static on;   # serves page.html.gz to clients that accept gzip",
        "    gzip_vary on;",
        *(["    brotli_static on;   # needs Debian's libnginx-mod-http-brotli-static"] if brotli_static else []),
        f"    error_page 404 {base_path}404.html;",
        "",
        f"    location {base_path} {{",
        "        try_files $uri $uri/ =404;",
        *security,
        "    }",
        "",
        "    # Pages: their own policy; kept by browsers but checked with the server before each use.",
        f'    location ~ "^{prefix}.*\\.html$" {{',
        *security,
        '        add_header Content-Security-Policy $signpost_csp always;',
        f'        add_header Cache-Control "{HTML_CACHE}" always;',
        "    }",
        "",
        "    # Fingerprinted assets (css/site.1a2b3c4d5e.css): a changed file gets a new name.",
        f'    location ~ "^{prefix}.*\\.[0-9a-f]{{10}}\\.[a-z0-9]+$" {{',
        *security,
        f'        add_header Cache-Control "{IMMUTABLE}" always;',
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """python -m signpost.hosting SITE_FOLDER BASE_PATH ROOT [SERVER_NAME]: print the nginx block
    for a built site (docs/nginx.conf is `dist / /var/www/guidance guidance.lifeeffect.example`)."""
    if len(argv) not in (3, 4):
        print("usage: python -m signpost.hosting SITE_FOLDER BASE_PATH ROOT [SERVER_NAME]\n"
              "  e.g. python -m signpost.hosting dist / /var/www/guidance guidance.lifeeffect.example")
        return 2
    folder, base_path, root = argv[:3]
    server_name = argv[3] if len(argv) == 4 else "_"   # nginx's catch-all name, as nginx_server's default
    print(nginx_server(policies_in(Path(folder)), base_path, root, server_name), end="")
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
