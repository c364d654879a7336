"""The preview server, run for real as `build.py serve`: loopback only unless told, nothing outside
the preview folder ever served, and a thousand rapid saves without wedging or leaking."""
from __future__ import annotations

import base64
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signpost.serve import RebuildWatcher
from tests.sitekit import ROOT, make_content, tip

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
SAVES = 10_000 if FUZZ else 1000
REBUILDS = 200 if FUZZ else 20
SECRET = "TOP-SECRET-DO-NOT-SERVE"
PATIENCE = 60  # seconds to wait for something that should take well under one; never a measured time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def preview_server(tmp_path: Path, content: Path, *options: str, open_files: int | None = None,
                   address: str = "127.0.0.1"):
    """`build.py serve` on a free port with its own preview folder, reached at `address`; always killed
    afterwards. `open_files` lowers the server's limit on open files (as `ulimit -n` would)."""
    port, log = free_port(), tmp_path / "serve.log"
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))) if open_files else None
    with open(log, "w") as out, open(tmp_path / "serve.err", "w") as err:
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                                   "--content", str(content), "--preview-dir", str(tmp_path / "preview"), *options],
                                  stdout=out, stderr=err, preexec_fn=limit)
        try:
            wait_for(lambda: server.poll() is not None or can_connect(port, address), "the server to start")
            assert server.poll() is None, (tmp_path / "serve.err").read_text()
            yield server, port
        finally:
            server.kill()
            server.wait()


def can_connect(port: int, address: str = "127.0.0.1") -> bool:
    try:
        socket.create_connection((address, port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for(condition, what: str) -> None:
    """Poll until condition() is true; fail (never hang) if it isn't within PATIENCE seconds."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def get(port: int, target: bytes) -> tuple[int, bytes]:
    """Send one raw GET, exactly as written (no client-side normalising); (status, whole response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1]), response


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as in /proc/net/tcp*) that listen on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def resources(pid: int) -> tuple[int, int]:
    """(resident memory in kB, open file handles) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


# ---- Where it listens ----

def test_listens_on_loopback_only_by_default(tmp_path):
    with preview_server(tmp_path, make_content(tmp_path)) as (_, port):
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1
    assert "Warning" not in (tmp_path / "serve.err").read_text()


def test_the_ipv6_loopback_address_works_like_127_0_0_1(tmp_path):
    # Adversarial review, item 12: `serve --host ::1` ended in a traceback (the preview's address
    # needs the brackets of http://[::1]:8000/), and then every request was refused.
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with preview_server(tmp_path, make_content(tmp_path), "--host", "::1", address="::1") as (_, port):
        assert listening_addresses(port) == {"00000000000000000000000001000000"}  # ::1
        statuses = [get_as(port, host, address="::1") for host in (f"[::1]:{port}".encode(), b"evil.example")]
    assert statuses == [200, 403]
    assert "Warning" not in (tmp_path / "serve.err").read_text() and "Traceback" not in (tmp_path / "serve.err").read_text()
    assert f"Preview on http://[::1]:{port}/ (drafts shown)." in (tmp_path / "serve.log").read_text()


def test_an_explicit_host_is_used_with_a_warning(tmp_path):
    with preview_server(tmp_path, make_content(tmp_path), "--host", "0.0.0.0") as (_, port):
        assert listening_addresses(port) == {"00000000"}
    assert ("Warning: serving on 0.0.0.0, so other people on your network can see the preview, drafts included. "
            "Leave out --host to keep it on this computer.") in (tmp_path / "serve.err").read_text()


# ---- What it serves ----

TRAVERSALS = [
    b"/../secret.txt", b"/%2e%2e/secret.txt", b"/%2e%2e%2fsecret.txt", b"/..%2fsecret.txt", b"/.%2e/secret.txt",
    b"/%2E%2E/secret.txt", b"/%252e%252e/secret.txt", b"/%252e%252e%252fsecret.txt", b"/..%252fsecret.txt",
    b"/..\\secret.txt", b"/%5c..%5csecret.txt", b"/..%5csecret.txt", b"/tips/../../secret.txt",
    b"/tips/..%2f..%2fsecret.txt", b"/./../secret.txt", b"/..;/secret.txt", b"/%c0%ae%c0%ae/secret.txt",
    b"/%ef%bc%8e%ef%bc%8e/secret.txt", b"/../preview-evil/secret.txt", b"//etc/passwd", b"/etc/passwd",
    b"/%2fetc%2fpasswd", b"/../../../../../../etc/passwd", b"http://127.0.0.1/../secret.txt", b"../secret.txt",
    b"/secret.txt\x00", b"/%00", b"/index.html%00", b"/index.html%00.txt", b"/..%00/secret.txt",
]


def get_as(port: int, host: bytes, target: bytes = b"/", address: str = "127.0.0.1") -> int:
    """The status of a request (for the home page unless told) that names `host` in its Host header."""
    with socket.create_connection((address, port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        return int(sock.recv(100).split(b" ", 2)[1])


def test_requests_naming_another_host_are_refused(tmp_path):
    """A site that resolves its own name to 127.0.0.1 must not be able to read the preview."""
    with preview_server(tmp_path, make_content(tmp_path)) as (_, port):
        assert get_as(port, f"127.0.0.1:{port}".encode()) == 200
        assert get_as(port, f"localhost:{port}".encode()) == 200
        assert get_as(port, f"evil.example:{port}".encode()) == 403


def test_nothing_outside_the_preview_folder_is_ever_served(tmp_path):
    content = make_content(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "preview-evil").mkdir()
    (tmp_path / "preview-evil" / "secret.txt").write_text(SECRET)
    with preview_server(tmp_path, content) as (_, port):
        targets = TRAVERSALS + [b"/" + str(tmp_path / "secret.txt").encode(),
                                b"/%2f" + str(tmp_path / "secret.txt").encode().lstrip(b"/")]
        refused = {target: get(port, target) for target in targets}
        assert get(port, b"/tips/warm-up/")[0] == 200  # the preview itself still works
    leaked = [target for target, (_, body) in refused.items() if SECRET.encode() in body or b"root:x:0:0" in body]
    assert leaked == []
    assert {target: status for target, (status, _) in refused.items() if status not in (400, 403, 404)} == {}
    assert "Traceback" not in (tmp_path / "serve.err").read_text()


PIECES = ["..", ".", "%2e", "%2E", "%2e%2e", "%252e", "/", "%2f", "%2F", "%252f", "\\", "%5c", "%255c", "%00", "\x00",
          "%c0%ae", "%c0%af", "%ef%bc%8e", "secret.txt", "etc", "passwd", "preview-evil", "tips", "index.html", ";", "?",
          "#", "%3f", "%23", "~", "//", "%", "%%", "%u002e", " ", "%20", "\t", "é"]


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    """One server for many requests, with a secret beside its preview folder."""
    tmp_path = tmp_path_factory.mktemp("guarded")
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "preview-evil").mkdir()
    (tmp_path / "preview-evil" / "secret.txt").write_text(SECRET)
    with preview_server(tmp_path, make_content(tmp_path)) as (_, port):
        yield port


@settings(max_examples=5000 if FUZZ else 500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_generated_paths_never_reach_outside_the_preview(guarded_server, pieces):
    target = ("/" + "".join(pieces)).encode("utf-8")
    try:
        status, response = get(guarded_server, target)
    except (ConnectionError, ValueError, IndexError):  # the server may hang up on nonsense: nothing leaked
        return
    assert SECRET.encode() not in response and b"root:x:0:0" not in response
    assert status != 500, target


# ---- Saving, again and again ----

def page(port: int, path: bytes = b"/tips/warm-up/") -> str:
    return get(port, path)[1].decode("utf-8", "replace")


def save(file: Path, text: str, atomically: bool) -> None:
    """Save as editors do: in place, or to a temp file renamed over the old one."""
    if atomically:
        temp = file.with_name(f".{file.name}.swp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, file)
    else:
        file.write_text(text, encoding="utf-8")


def builds(tmp_path: Path) -> int:
    return (tmp_path / "serve.log").read_text().count(" Built ")


def test_survives_rapid_saves_and_a_deleted_file_without_wedging_or_leaking(tmp_path):
    content = make_content(tmp_path, {"tips/rest.md": tip(title="Rest")})
    warm_up = content / "tips" / "warm-up.md"
    with preview_server(tmp_path, content) as (server, port):
        for _ in range(20):  # warm up: first requests and a rebuild allocate what they keep
            page(port)
        # Saved until seen: the watcher's first look at the files may come after the first save.
        wait_for(lambda: save(warm_up, tip(title="Warmed"), False) or time.sleep(0.2) or "Warmed" in page(port),
                 "the first rebuild")
        before = resources(server.pid)

        for n in range(SAVES):  # bursts of saves, with pauses long enough for rebuilds mid-stream
            save(warm_up, tip(title=f"Save {n}"), atomically=n % 2 == 0)
            if n % 50 == 49:
                time.sleep(0.06)
        save(warm_up, tip(title="After the storm"), atomically=True)
        wait_for(lambda: "After the storm" in page(port), "a rebuild after the rapid saves")

        warm_up.unlink()
        wait_for(lambda: get(port, b"/tips/warm-up/")[0] == 404, "the deleted tip to leave the preview")
        save(warm_up, tip(title="Restored"), atomically=False)
        wait_for(lambda: "Restored" in page(port), "the restored tip")

        save(warm_up, "---\ntitle: [broken\n---\n", atomically=False)
        wait_for(lambda: "Something needs fixing" in page(port), "the mistake to be shown")
        for n in range(REBUILDS):  # one rebuild after another, each checked in the page
            save(warm_up, tip(title=f"Rebuild {n}"), atomically=n % 2 == 0)
            wait_for(lambda n=n: f"Rebuild {n}<" in page(port), f"rebuild {n}")
        after = resources(server.pid)
        rebuilds = builds(tmp_path)

    print(f"\nserver after warm-up: {before[0]} kB resident, {before[1]} open files; after {SAVES} saves, "
          f"a delete and restore and {rebuilds} rebuilds: {after[0]} kB, {after[1]} open files")
    assert after[1] - before[1] <= 10, (before, after)         # no file handles left open per save or rebuild
    assert after[0] - before[0] <= 60_000, (before, after)     # memory: generous, but far below a leak per rebuild
    assert rebuilds >= REBUILDS


def saved_and_rebuilt(file: Path, calls: list, count: int) -> bool:
    """Save (again: the watcher may have started after the last save), then see if it rebuilt."""
    file.write_text(f"saved at {time.monotonic_ns()}")
    time.sleep(0.05)
    return len(calls) > count


@pytest.mark.parametrize("force_polling", [None, True])  # True: where the system can't report saves
def test_a_rebuild_that_crashes_does_not_stop_the_watching(tmp_path, capsys, force_polling):
    calls = []

    def rebuild():
        calls.append(len(calls))
        if len(calls) == 1:
            raise FileNotFoundError(2, "No such file or directory", "assets/css/site.css")

    (tmp_path / "a.md").write_text("one")
    watcher = RebuildWatcher([tmp_path], rebuild, settle=0.01)
    thread = threading.Thread(target=watcher._run, args=(lambda: None, force_polling), daemon=True)
    thread.start()
    try:
        for attempt in ("first", "second"):  # the first rebuild raises; the second must still happen
            count = len(calls)
            wait_for(lambda count=count: saved_and_rebuilt(tmp_path / "a.md", calls, count), f"the {attempt} rebuild")
    finally:
        watcher.stopped.set()
        thread.join()
    assert "The preview could not be rebuilt: FileNotFoundError(2, 'No such file or directory'). Save again to " \
           "retry." in capsys.readouterr().err


def test_a_port_in_use_or_out_of_range_is_a_message_not_a_traceback(tmp_path):
    # Found while testing the command line: both used to end in a traceback.
    content = make_content(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--content",
                               str(content), "--preview-dir", str(tmp_path / "preview")],
                              capture_output=True, text=True, timeout=PATIENCE)
    wrong = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", "99999"],
                           capture_output=True, text=True, timeout=PATIENCE)
    assert busy.returncode == 1 and "Traceback" not in busy.stderr
    assert (f"Could not start the preview on 127.0.0.1:{port}: Address already in use. "
            f"Hint: Stop the other server, or add --port {port + 1}.") in busy.stderr
    assert wrong.returncode == 2 and wrong.stderr.endswith(
        "error: argument --port: '99999' is not a port number from 1 to 65535\n")



def test_ctrl_c_stops_the_preview_cleanly(tmp_path):
    # Found while replacing livereload: Ctrl+C ended the process with a crash (exit status -11),
    # its watching thread still inside watchfiles as Python shut down.
    with preview_server(tmp_path, make_content(tmp_path)) as (server, _):
        server.send_signal(signal.SIGINT)
        server.wait(timeout=PATIENCE)
    assert server.returncode == 0, (tmp_path / "serve.err").read_text() + (tmp_path / "serve.log").read_text()
    assert "Preview stopped." in (tmp_path / "serve.log").read_text()
    assert "Traceback" not in (tmp_path / "serve.err").read_text()


# ---- The live-reload socket (adversarial review, item 10) ----

def reload_socket(port: int, host: bytes | None = None, origin: bytes | None = None) -> tuple[int, socket.socket]:
    """Open the preview's live-reload websocket as a browser would; (HTTP status, the open socket)."""
    host = host or f"127.0.0.1:{port}".encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /livereload HTTP/1.1\r\nHost: " + host + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) + b"\r\nSec-WebSocket-Version: 13\r\n"
                 + (b"Origin: " + origin + b"\r\n" if origin else b"") + b"\r\n")
    response = b""
    while b"\r\n\r\n" not in response and (chunk := sock.recv(4096)):
        response += chunk
    return (int(response.split(b" ", 2)[1]) if response else 0), sock


def test_live_reload_takes_only_the_preview_s_own_pages(tmp_path):
    """A page on another local port, or a site pointing its name at 127.0.0.1, heard every save."""
    with preview_server(tmp_path, make_content(tmp_path)) as (_, port):
        own, other_port = f"http://127.0.0.1:{port}".encode(), b"http://127.0.0.1:5173"
        statuses = {name: reload_socket(port, host, origin)[0] for name, host, origin in [
            ("own page", None, own),
            ("localhost", f"localhost:{port}".encode(), f"http://localhost:{port}".encode()),
            ("no origin (not a browser)", None, None),
            ("page on another port", None, other_port),
            ("page on another site", None, b"https://evil.example"),
            ("another host", f"evil.example:{port}".encode(), f"http://evil.example:{port}".encode())]}
        script = get_as(port, f"evil.example:{port}".encode(), b"/livereload.js")
    assert statuses == {"own page": 101, "localhost": 101, "no origin (not a browser)": 101,
                        "page on another port": 403, "page on another site": 403, "another host": 403}
    assert script == 403
    assert "Traceback" not in (tmp_path / "serve.err").read_text()


def test_at_most_50_live_reload_sockets_and_no_tracebacks_under_a_256_file_limit(tmp_path):
    """300 sockets used to exhaust a 256-file limit and log 31,793 tracebacks."""
    with preview_server(tmp_path, make_content(tmp_path), open_files=256) as (server, port):
        own = f"http://127.0.0.1:{port}".encode()
        opened = [reload_socket(port, origin=own) for _ in range(300)]
        accepted = sum(status == 101 for status, _ in opened)
        files_open = resources(server.pid)[1]
        page_status = get(port, b"/tips/warm-up/")[0]
        for _, sock in opened:
            sock.close()
        wait_for(lambda: reload_socket(port, origin=own)[0] == 101, "a socket to be taken again once others closed")
    assert accepted == 50 and page_status == 200 and files_open < 200
    assert len((tmp_path / "serve.err").read_text().splitlines()) < 10  # refused quietly: no line per socket


@pytest.mark.parametrize("option", ["--content", "--preview-dir"])
def test_a_link_loop_or_a_missing_content_folder_is_a_message_not_a_traceback(tmp_path, option):
    # Adversarial review, item 12: a link loop ended in a traceback from pathlib, and a missing
    # content folder in one from the watcher's thread, with the server left running.
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    folders = {"--content": str(make_content(tmp_path)), "--preview-dir": str(tmp_path / "preview"),
               option: str(tmp_path / "loop-a")}
    looped = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(free_port()),
                             *[part for pair in folders.items() for part in pair]],
                            capture_output=True, text=True, timeout=PATIENCE)
    missing = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(free_port()),
                              "--content", str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=PATIENCE)
    assert looped.returncode == 1 and looped.stderr == (
        f"{tmp_path / 'loop-a'}: {option} can't be used: Too many levels of symbolic links. "
        "Hint: One of the links on the way leads back to itself: give the real folder instead.\n")
    assert missing.returncode == 1 and missing.stderr == (
        f"{tmp_path / 'nowhere'}: --content must be a folder that exists. "
        "Hint: Give the folder that holds site.yml, tips/ and pages/.\n")
