"""The built site works where it is deployed: served under a path prefix, every link answers."""
import urllib.request
from urllib.parse import urljoin, urlsplit

from tests.conftest import ROOT, serve_folder
from tests.linkwalk import _LinkParser
from signpost.pipeline import Project, build


def crawl(start: str) -> tuple[set[str], list[str]]:
    """Follow every same-site link from start; return (URLs fetched, failures)."""
    host = urlsplit(start).netloc
    seen, queue, failures = set(), [start], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body, kind = response.read(), response.headers.get_content_type()
        except OSError as error:
            failures.append(f"{url}: {error}")
            continue
        if kind == "text/html":
            parser = _LinkParser()
            parser.feed(body.decode("utf-8"))
            for link in parser.links:
                target = urljoin(url, link).split("#")[0]
                if urlsplit(target).netloc == host:
                    queue.append(target)
    return seen, failures


def test_site_under_a_path_prefix_has_no_broken_links(tmp_path):
    build(Project.at(ROOT), tmp_path / "www" / "guidance", base_url="https://clinic.example/guidance/")
    server, url = serve_folder(tmp_path / "www")
    try:
        fetched, failures = crawl(f"{url}/guidance/")
    finally:
        server.shutdown()
    assert failures == []
    assert all(urlsplit(u).path.startswith("/guidance/") for u in fetched)
    assert len(fetched) > 25  # every page and asset, not just the home page
