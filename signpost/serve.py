"""Live preview for editors: rebuild on save, reload the browser, show mistakes as a page.

The only module that knows about the web server (Tornado). It builds into .preview/ (never
dist/, which keeps the last published site), with drafts shown and the reload channel allowed.

The reload channel is our own, on Tornado's public API: a small script (/livereload.js, the
address the pages already load) opens a WebSocket and reloads its page when told. livereload's
public API (Server.watch/serve) could not do what the preview needs: it serves files with its
own handler (no host check), takes any origin on its socket, caps nothing, and watches by
polling with a delay that drops reloads; the preview replaced each of those pieces by reaching
into its private parts, so it is no longer a dependency.
"""
from __future__ import annotations

import contextlib
import html
import ipaddress
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.log import LogFormatter, access_log
from tornado.platform.asyncio import BaseAsyncIOLoop
from tornado.web import Application, HTTPError, RequestHandler, StaticFileHandler
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .admin import LOCAL_PORT_OFFSET
from .incremental import Warm
from .pipeline import build_files, report_build
from .parallel import ask_linux_to_end_me_with_my_parent
from .problems import BuildFailed, Problem
from .project import Project
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
    """Every problem as a plain-language list, file and line first; with `reload_script` (the reload
    script's address) the page reloads itself once the mistake is fixed."""
    items = []
    for item in problems:
        where = f"{item.path}, line {item.line}" if item.line else item.path
        hint = f"<br>How to fix it: {html.escape(item.hint)}" if item.hint else ""
        items.append(f"<li><code>{html.escape(where)}</code><br>{html.escape(item.message)}{hint}</li>")
    script = f'<script src="{html.escape(reload_script)}"></script>' if reload_script else ""
    return ERROR_PAGE.format(items="".join(items), script=script).encode("utf-8")


def show_problems_everywhere(problems: list[Problem], preview: Path, reload_script: str = "",
                             editor: dict[str, bytes] | None = None) -> None:
    """Replace every preview page with the error page, so whatever page is open shows it; the web
    editor's files (`editor`) stay, so the mistake can be fixed where it was made."""
    editor = editor or {}
    pages = [p.relative_to(preview).as_posix() for p in preview.rglob("*.html")] if preview.is_dir() else []
    page = render_error_page(problems, reload_script)
    write_site({**{path: page for path in pages or ["index.html"] if path not in editor}, **editor}, preview)


@dataclass
class Preview:
    """What the preview server keeps between rebuilds: what it read and rendered (incremental.py),
    and the files it last wrote, so a save rewrites only the pages whose bytes changed."""

    project: Project
    folder: Path
    base_url: str
    speedups: Warm = field(default_factory=Warm.in_memory)   # what it read and rendered, see incremental.py
    written: dict[str, bytes] | None = None   # None: the folder holds something else (e.g. the error page)
    editor: dict[str, bytes] = field(default_factory=dict)   # admin/ from the last good build, kept through mistakes


def rebuild(preview: Preview) -> bool:
    """Build the preview; on a mistake, print it and show it in the browser. True when built."""
    started = time.perf_counter()
    try:
        files, site, problems = build_files(preview.project, preview.base_url, preview=True,
                                            speedups=preview.speedups)
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
                                     f"/livereload.js?port={urlsplit(preview.base_url).port}", preview.editor)
        except BuildFailed:  # the preview folder itself can't be written: the messages above say why
            pass
        return False
    preview.written = files
    preview.editor = {path: data for path, data in files.items() if path.startswith("admin/")}
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
    """The system reports each save to this one (inotify on Linux, through watchfiles), so nothing
    is polled: it waits until saving has been quiet for `settle` seconds, rebuilds once, and only
    then reloads. Saves made during a rebuild are collected meanwhile and start one more, so the
    last save always shows."""

    def __init__(self, folders, rebuild, settle: float = 0.02):
        self.folders, self.rebuild, self.settle = list(folders), rebuild, settle
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, reload_browsers) -> None:
        """Watch in a thread of its own; `reload_browsers` is called (from that thread) after each rebuild."""
        self.thread = threading.Thread(target=self._run, args=(reload_browsers,), daemon=True, name="signpost-watch")
        self.thread.start()

    def stop(self, patience: float = 5) -> None:
        """Stop watching and wait for the thread (it looks every `settle` seconds): a watching thread
        still inside watchfiles when Python exits crashed the process (exit status -11 after Ctrl+C)."""
        self.stopped.set()
        if self.thread is not None and self.thread.is_alive():  # not started if Ctrl+C came first
            self.thread.join(patience)

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


RELOAD_SCRIPT = b"""// The preview's reload channel (signpost/serve.py): reload this page once the preview is rebuilt.
(function listen() {
  var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/livereload");
  socket.onopen = function () { window.signpostReload = "listening"; };
  socket.onmessage = function () { location.reload(); };
  socket.onclose = function () { window.signpostReload = "closed"; setTimeout(listen, 1000); };
})();
"""


class PreviewFileHandler(StaticFileHandler):
    """Tornado's file handler, which keeps requests inside the preview folder, but a null byte in
    the address is a plain 404 rather than a 500 with a traceback in the terminal, requests naming
    another host are refused, and a page is always sent whole: it was maybe rebuilt a moment ago."""

    def prepare(self):
        refuse_other_hosts(self)

    def validate_absolute_path(self, root, absolute_path):
        if "\x00" in absolute_path:
            raise HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def should_return_304(self) -> bool:
        return False


class ReloadScript(RequestHandler):
    """The script every preview page loads to hear of rebuilds, under the same rule as the pages."""

    def prepare(self):
        refuse_other_hosts(self)

    def get(self):
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(RELOAD_SCRIPT)


class ReloadSocket(WebSocketHandler):
    """The socket each open preview page listens on. Only the preview's own pages may connect
    (Tornado's same-origin check, and the pages' host rule), and no more than MAX_RELOAD_SOCKETS
    at once; the rest are refused without a line in the terminal (see log_request)."""

    async def prepare(self):
        refuse_other_hosts(self)
        if len(self.settings["reload_sockets"]) >= MAX_RELOAD_SOCKETS:
            self.set_status(503)
            await self.finish()
            self.request.connection.close()   # not kept alive: its file is free again at once

    def open(self):
        sockets = self.settings["reload_sockets"]
        if len(sockets) >= MAX_RELOAD_SOCKETS:   # many handshakes passed prepare() at once
            self.close()
        else:
            sockets.add(self)

    def on_message(self, message):
        """Pages have nothing to say; the socket only carries the preview's 'reload'."""

    def on_close(self):
        self.settings["reload_sockets"].discard(self)


def log_request(handler: RequestHandler) -> None:
    """Tornado's line per request, at its levels (so 404s and errors show), but none for reload
    sockets refused for being too many: 300 of them would fill the terminal."""
    status = handler.get_status()
    if status == 503 and isinstance(handler, ReloadSocket):
        return
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    request = handler.request
    access_log.log(level, "%d %s %s (%s) %.2fms", status, request.method, request.uri, request.remote_ip,
                   1000 * request.request_time())


class CappedHTTPServer(HTTPServer):
    """Tornado's server, closing connections beyond MAX_CONNECTIONS as soon as they arrive, so the
    process never runs out of files: then every accept logs a traceback (300 sockets under a
    256-file limit logged 31,793). Counts as Tornado's own server does: from the stream's arrival
    until its HTTP connection ends (a reload socket, once upgraded, is capped by MAX_RELOAD_SOCKETS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_connections = 0

    def handle_stream(self, stream, address):
        if self.open_connections >= MAX_CONNECTIONS:
            stream.close()
            return
        self.open_connections += 1
        super().handle_stream(stream, address)

    def on_close(self, server_conn):
        self.open_connections -= 1
        super().on_close(server_conn)


def preview_app(folder: Path, loopback_only: bool) -> Application:
    """The preview's addresses: the reload socket and script, and the built pages as they are (they
    load the reload script themselves; an inline loader would be blocked by the pages' CSP)."""
    return Application([(r"/livereload", ReloadSocket), (r"/livereload.js", ReloadScript),
                        (r"/(.*)", PreviewFileHandler, {"path": str(folder), "default_filename": "index.html"})],
                       loopback_only=loopback_only, reload_sockets=set(), log_function=log_request)


def reload_browsers(loop: IOLoop, sockets: set, tries: int = 20) -> None:
    """Tell every open preview page to reload. A page that was itself just reloading has no
    connection yet and would miss the message, so keep trying for up to 2 s until one listens."""
    if sockets:
        for socket in list(sockets):
            try:
                socket.write_message("reload")
            except WebSocketClosedError:  # closed meanwhile: its on_close removes it
                pass
    elif tries:
        loop.call_later(0.1, reload_browsers, loop, sockets, tries - 1)


def show_server_warnings() -> None:
    """Tornado's warnings and errors (a 404, a failed request) in the terminal, in its format."""
    logger = logging.getLogger("tornado")
    if not logger.handlers:
        channel = logging.StreamHandler()
        channel.setFormatter(LogFormatter())
        logger.addHandler(channel)


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach an address (127.x.x.x, ::1 or [::1], localhost)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:  # a host name: assume others can reach it
        return False


def serve(project: Project, port: int, preview: Path, host: str | None = None, npm_root: Path | None = None) -> int:
    """Build, then serve the preview with live reload until interrupted.

    Only this computer can see it unless a host is given; the preview is built into `preview`.
    """
    if host and not is_loopback(host):
        print(f"Warning: serving on {host}, so other people on your network can see the preview, "
              "drafts included. Leave out --host to keep it on this computer.", file=sys.stderr, flush=True)
    host = host or "127.0.0.1"
    folder = Path(preview)
    address = f"[{host}]" if ":" in host else host   # an IPv6 address (::1) goes in brackets in a URL
    state = Preview(project, folder, f"http://{address}:{port}/")
    watcher = RebuildWatcher([project.content, project.templates, project.assets], lambda: rebuild(state))
    loop = IOLoop.current()
    assert isinstance(loop, BaseAsyncIOLoop)   # always, since Tornado 5: gives its asyncio loop a type
    # Ctrl+C only asks the loop to stop; it never raises KeyboardInterrupt wherever the main thread is.
    # Raised inside fork's bookkeeping (starting decap-server), it was swallowed and left logging's
    # lock held: the preview ignored Ctrl+C and its watching thread hung. Pressed during the first
    # build, it stops the preview as soon as that build is done.
    loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)
    server = None
    try:
        rebuild(state)
        app = preview_app(folder, loopback_only=is_loopback(host))
        server = listen(app, host, port)
        if server is None:
            return 1
        print(f"Preview on {state.base_url} (drafts shown). Press Ctrl+C to stop.", flush=True)
        show_server_warnings()
        watcher.start(lambda: loop.add_callback(reload_browsers, loop, app.settings["reload_sockets"]))
        with web_editor(npm_root or project.content.resolve().parent, project.content, port, host, state.base_url):
            loop.start()
        print("Preview stopped.", flush=True)
    finally:
        watcher.stop()
        close_quietly(loop, server)
    return 0


def close_quietly(loop: BaseAsyncIOLoop, server: HTTPServer | None) -> None:
    """Close the sockets and the loop before Python exits: left to the garbage collector at exit,
    they warned on stderr (an asyncio `__del__` traceback)."""
    loop.asyncio_loop.remove_signal_handler(signal.SIGINT)
    if server is not None:
        server.stop()
    loop.close(all_fds=True)


def listen(app: Application, host: str, port: int) -> HTTPServer | None:
    """Start answering on host:port: the server, or None, with a message, when that can't be done."""
    server = CappedHTTPServer(app)
    try:
        server.listen(port, address=host)
    except OSError as error:  # e.g. another preview already uses the port
        print(f"Could not start the preview on {host}:{port}: {error.strerror or error}. "
              f"Hint: Stop the other server, or add --port {port % 65535 + 1}.", file=sys.stderr, flush=True)
        return None
    return server


def _end_with_the_preview() -> None:
    """In the child: Linux ends decap-server if the preview is killed, so none is left listening."""
    ask_linux_to_end_me_with_my_parent(signal.SIGTERM)


@contextlib.contextmanager
def web_editor(root: Path, content: Path, port: int, host: str, base_url: str):
    """Run decap-server (the pinned npm package) beside the preview, so /admin/ saves into content/;
    it stops with the preview. Without node or the package the preview runs alone and says how to
    get the editor. Only on a loopback preview: decap-server writes any file it is asked to."""
    script = root / "node_modules" / "decap-server" / "dist" / "index.js"
    node = shutil.which("node")
    editor_port = port + LOCAL_PORT_OFFSET
    if not is_loopback(host) or editor_port > 65535:
        yield None
        return
    if not node or not script.is_file():
        print("No web editor: install node and run 'npm ci' (make serve does), then open /admin/.", flush=True)
        yield None
        return
    env = {**os.environ, "PORT": str(editor_port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(content.resolve().parent), "LOG_LEVEL": "warn"}
    process = subprocess.Popen([node, str(script)], env=env, cwd=content.resolve().parent,
                               stdin=subprocess.DEVNULL, preexec_fn=_end_with_the_preview)
    print(f"Web editor on {base_url}admin/ (it saves into {content}).", flush=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
