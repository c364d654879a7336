"""Live preview for editors: rebuild on save, reload the browser, show mistakes as a page.

The only module that knows about livereload. It builds into .preview/ (never dist/, which
keeps the last published site), with drafts shown and the reload connection allowed.
"""
from __future__ import annotations

import html
import ipaddress
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.web import Application, HTTPError
from tornado.websocket import WebSocketHandler

from .bodies import BodyCache
from .pipeline import Project, build_files, report_build
from .problems import BuildFailed, Problem
from .memo import RenderMemo
from .search import INDEX_FOLDER, index_pages, searchable_pages
from .write import update_changed, write_site

ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: something needs fixing</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}
li{{margin:1rem 0;padding:.75rem 1rem;border-left:6px solid #c8102e;background:#fdf2f3;list-style:none}}
code{{font-weight:700}}ul{{padding:0}}</style></head>
<body><main><h1>Something needs fixing before this page can be shown</h1>
<p>The preview will come back by itself as soon as you save the fix. The published site is not affected.</p>
<ul>{items}</ul></main>{script}</body></html>
"""


def render_error_page(problems: list[Problem], reload_script: str = "") -> bytes:
    """Every problem as a plain-language list, file and line first; with `reload_script` (livereload.js's
    address) the page reloads itself once the mistake is fixed."""
    items = []
    for item in problems:
        where = f"{item.path}, line {item.line}" if item.line else item.path
        hint = f"<br>How to fix it: {html.escape(item.hint)}" if item.hint else ""
        items.append(f"<li><code>{html.escape(where)}</code><br>{html.escape(item.message)}{hint}</li>")
    script = f'<script src="{html.escape(reload_script)}"></script>' if reload_script else ""
    return ERROR_PAGE.format(items="".join(items), script=script).encode("utf-8")


def show_problems_everywhere(problems: list[Problem], preview: Path, reload_script: str = "") -> None:
    """Replace every preview page with the error page, so whatever page is open shows it."""
    pages = [p.relative_to(preview).as_posix() for p in preview.rglob("*.html")] if preview.is_dir() else []
    page = render_error_page(problems, reload_script)
    write_site({path: page for path in pages or ["index.html"]}, preview)


@dataclass
class Preview:
    """What the preview server keeps between rebuilds: rendered Markdown, and the files it
    last wrote, so a save rewrites only the pages whose bytes changed."""

    project: Project
    folder: Path
    base_url: str
    cache: BodyCache = field(default_factory=lambda: BodyCache(documents={}, made={}))
    memo: RenderMemo = field(default_factory=RenderMemo)   # pages and compiled templates, see memo.py
    written: dict | None = None   # None: the folder holds something else (e.g. the error page)


def rebuild(preview: Preview) -> bool:
    """Build the preview; on a mistake, print it and show it in the browser. True when built."""
    started = time.perf_counter()
    try:
        files, site, problems = build_files(preview.project, preview.base_url, preview=True, cache=preview.cache,
                                            memo=preview.memo)
        files.update(search_index(files, preview.written))
        if preview.written is None:
            write_site(files, preview.folder, keep=(preview.project.content, preview.project.templates,
                                                    preview.project.assets))
        else:
            update_changed(files, preview.written, preview.folder)
    except BuildFailed as failure:
        for item in failure.problems:
            print(item, file=sys.stderr, flush=True)
        preview.written = None
        try:
            show_problems_everywhere(failure.problems, preview.folder,
                                     f"/livereload.js?port={urlsplit(preview.base_url).port}")
        except BuildFailed:  # the preview folder itself can't be written: the messages above say why
            pass
        return False
    preview.written = files
    report = report_build(files, site, problems, preview.folder, started)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(f"{time.strftime('%H:%M:%S')} {report.summary()}", flush=True)
    return True


def search_index(files: dict[str, bytes], written: dict | None) -> dict[str, bytes]:
    """The preview's search index: made again only when a searchable page changed since `written`."""
    if written is not None and searchable_pages(files) == searchable_pages(written):
        return {path: data for path, data in written.items() if path.startswith(f"{INDEX_FOLDER}/")}
    return index_pages(files)


class RebuildWatcher:
    """Stands in for livereload's own watcher, which drops reloads that come within a second or
    three of the last one and so can leave a stale page. The system reports each save to this
    one (inotify on Linux, through watchfiles), so nothing is polled: it waits until saving has
    been quiet for `settle` seconds, rebuilds once, and only then reloads. Saves made during a
    rebuild are collected meanwhile and start one more, so the last save always shows."""

    def __init__(self, folders, rebuild, settle: float = 0.02):
        self.folders, self.rebuild, self.settle = list(folders), rebuild, settle
        self._tasks = {"signpost": None}  # non-empty, so livereload doesn't watch the working directory
        self._changes: list = []
        self.filepath = None
        self.stopped = threading.Event()

    def watch(self, *args, **kwargs):
        """Watching is fixed at construction; livereload may still call this."""

    def examine(self):
        return None, None

    def start(self, callback) -> bool:
        """Called by livereload on its IOLoop: start watching in a thread; True = don't poll yourself."""
        loop = IOLoop.current()
        threading.Thread(target=self._run, args=(lambda: loop.add_callback(reload_browsers, loop),),
                         daemon=True, name="signpost-watch").start()
        return True

    def _run(self, reload_browsers, force_polling: bool | None = None) -> None:
        step = max(1, round(self.settle * 1000))
        try:
            # watchfiles' default filter skips editors' swap and backup files (.swp, ~) and .git.
            for _ in watchfiles.watch(*self.folders, step=step, debounce=2000, stop_event=self.stopped,
                                      raise_interrupt=False, force_polling=force_polling):
                try:
                    self.rebuild()
                except Exception as error:  # e.g. a file deleted mid-build: report it, keep watching
                    print(f"The preview could not be rebuilt: {error!r}. Save again to retry.", file=sys.stderr,
                          flush=True)
                    continue
                reload_browsers()
        except Exception as error:  # e.g. the system's limit on watched folders is reached
            if force_polling:
                raise
            print(f"The system can't report saves here ({error}); looking for them every 0.3 s instead.",
                  file=sys.stderr, flush=True)
            self._run(reload_browsers, force_polling=True)


MAX_CONNECTIONS = 100       # open connections of any kind: well inside a 256-file limit
MAX_RELOAD_SOCKETS = 50     # live-reload sockets, one per open preview tab


def refuse_other_hosts(handler) -> None:
    """On loopback, a request naming another host is refused: a web page that points its own
    domain at 127.0.0.1 ("DNS rebinding") can't read the preview or listen to it."""
    if handler.settings["loopback_only"] and not is_loopback(handler.request.host_name):
        raise HTTPError(403)


class PreviewFileHandler(StaticFileHandler):
    """livereload's file handler (Tornado's, which keeps requests inside the preview folder), but a
    null byte in the address is a plain 404 rather than a 500 with a traceback in the terminal,
    and requests naming another host are refused."""

    def prepare(self):
        refuse_other_hosts(self)

    def validate_absolute_path(self, root, absolute_path):
        if "\x00" in absolute_path:
            raise HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)


class ReloadScript(LiveReloadJSHandler):
    """livereload.js, under the same rule as the pages."""

    def prepare(self):
        refuse_other_hosts(self)


class ReloadSocket(LiveReloadHandler):
    """livereload's socket, which took any host and any origin: a page on another local port
    connected and heard every save. Here only the preview's own pages may connect (Tornado's
    same-origin check, and the pages' host rule), and no more than MAX_RELOAD_SOCKETS at once;
    the rest are refused without a line in the terminal."""

    async def prepare(self):
        refuse_other_hosts(self)
        if len(self.settings["reload_sockets"]) >= MAX_RELOAD_SOCKETS:
            self.set_status(503)
            await self.finish()
            self.request.connection.close()   # not kept alive: its file is free again at once

    def check_origin(self, origin):
        return WebSocketHandler.check_origin(self, origin)

    def open(self):
        sockets = self.settings["reload_sockets"]
        if len(sockets) >= MAX_RELOAD_SOCKETS:   # many handshakes passed prepare() at once
            self.close()
        else:
            sockets.add(self)

    def on_close(self):
        self.settings["reload_sockets"].discard(self)
        super().on_close()

    def _log(self):   # Tornado's line per request: none for sockets refused for being too many
        if self.get_status() != 503:
            super()._log()


class CappedHTTPServer(HTTPServer):
    """Tornado's server, closing connections beyond MAX_CONNECTIONS as soon as they arrive, so the
    process never runs out of files: then every accept logs a traceback (300 sockets under a
    256-file limit logged 31,793)."""

    def handle_stream(self, stream, address):
        if len(self._connections) >= MAX_CONNECTIONS:
            stream.close()
            return
        super().handle_stream(stream, address)


class PreviewServer(Server):
    """livereload's server with its endpoints behind the pages' rule: the reload socket and script
    guarded, no /forcereload (any page could make every preview reload), and pages served as
    built: they load livereload.js themselves (the inline loader livereload injects into every
    page is blocked by our CSP), and so does the error page."""

    def __init__(self, watcher, loopback_only: bool):
        super().__init__(watcher=watcher)
        self.SFH, self.loopback_only = PreviewFileHandler, loopback_only

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher, LiveReloadHandler.live_css = self.watcher, live_css
        handlers = [(r"/livereload", ReloadSocket), (r"/livereload.js", ReloadScript),
                    *self.get_web_handlers(b"")]
        app = Application(handlers, loopback_only=self.loopback_only, reload_sockets=set())
        CappedHTTPServer(app).listen(port, address=host)


def reload_browsers(loop, tries: int = 20) -> None:
    """Tell every open preview page to reload. A page that was itself just reloading has no
    connection yet and would miss the message, so keep trying for up to 2 s until one listens."""
    if LiveReloadHandler.waiters:
        LiveReloadHandler.reload_waiters()
    elif tries:
        loop.call_later(0.1, reload_browsers, loop, tries - 1)


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach an address (127.x.x.x, ::1 or [::1], localhost)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:  # a host name: assume others can reach it
        return False


def serve(root: Path, content: Path, port: int, host: str | None = None, preview: Path | None = None) -> int:
    """Build, then serve the preview with live reload until interrupted.

    Only this computer can see it unless a host is given; preview defaults to <root>/.preview.
    """
    if host and not is_loopback(host):
        print(f"Warning: serving on {host}, so other people on your network can see the preview, "
              "drafts included. Leave out --host to keep it on this computer.", file=sys.stderr, flush=True)
    host = host or "127.0.0.1"
    project = Project.at(root, content)
    folder = Path(preview or root / ".preview")
    address = f"[{host}]" if ":" in host else host   # an IPv6 address (::1) goes in brackets in a URL
    state = Preview(project, folder, f"http://{address}:{port}/")
    rebuild(state)
    watcher = RebuildWatcher([project.content, project.templates, project.assets], lambda: rebuild(state))
    print(f"Preview on {state.base_url} (drafts shown). Press Ctrl+C to stop.", flush=True)
    server = PreviewServer(watcher, loopback_only=is_loopback(host))
    try:
        server.serve(root=str(folder), port=port, host=host, restart_delay=0)
    except OSError as error:  # e.g. another preview already uses the port
        print(f"Could not start the preview on {host}:{port}: {error.strerror or error}. "
              f"Hint: Stop the other server, or add --port {port % 65535 + 1}.", file=sys.stderr, flush=True)
        return 1
    finally:
        watcher.stopped.set()
    return 0
