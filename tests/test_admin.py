"""The web editor's files (admin.py): its form matches the build's schema, and saving keeps files as written."""
import hashlib
import base64
import json
import shutil
import subprocess
import urllib.request

import pytest
import yaml

from signpost import admin, config as site_config, content, schema
from signpost.pipeline import Project, build_files
from tests.sitekit import ROOT, SITE_YML, build_site, make_content, tip
from tests.test_serve import free_port, wait_for

NODE = shutil.which("node")
INSTALLED = admin.bundled(ROOT)
needs_node = pytest.mark.skipif(not (NODE and INSTALLED), reason="node and npm ci are needed (make test has both)")


def preview_files(tmp_path, files=None, root=ROOT):
    project = Project(make_content(tmp_path, files), root / "templates", root / "assets")
    return build_files(project, preview=True)[0]


def editor_config(files) -> dict:
    return yaml.safe_load(files["admin/config.yml"])


def collection(config, name) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


# ---- The form and the build accept the same keys ----

def test_the_form_offers_exactly_the_keys_the_build_accepts(tmp_path):
    config = editor_config(preview_files(tmp_path))
    tips, pages = collection(config, "tips"), collection(config, "pages")
    site = collection(config, "settings")["files"][0]
    assert {f["name"] for f in tips["fields"]} - {"body"} == content.TIP_KEYS
    assert {f["name"] for f in pages["fields"]} - {"body"} == content.PAGE_KEYS
    assert {f["name"] for f in site["fields"]} == set(site_config.REQUIRED) | set(site_config.OPTIONAL)


def test_the_schema_says_what_the_build_requires(tmp_path):
    required = {f.name for f in schema.SITE_FIELDS if f.required}
    assert required == set(site_config.REQUIRED)
    problems = build_files_problems(tmp_path, {"tips/bare.md": "---\nsummary: x\n---\nText.\n"})
    missing = {p.message for p in problems if p.path.endswith("bare.md")}
    for field in schema.TIP_FIELDS:
        said = any(f"'{field.name}'" in message for message in missing)
        assert said == (field.required and field.name != "summary"), field.name


def build_files_problems(tmp_path, files):
    from signpost.pipeline import load_site
    return load_site(Project(make_content(tmp_path, files), ROOT / "templates", ROOT / "assets"))[1]


def test_each_kind_of_value_gets_its_widget(tmp_path):
    fields = {f["name"]: f for f in collection(editor_config(preview_files(tmp_path)), "tips")["fields"]}
    assert fields["tags"] == {**fields["tags"], "widget": "list"} and "field" not in fields["tags"]  # comma-separated
    assert fields["sources"]["widget"] == "list" and fields["sources"]["field"]["widget"] == "string"
    assert fields["date"]["widget"] == "datetime" and fields["date"]["format"] == "YYYY-MM-DD"
    assert fields["date"]["time_format"] is False
    assert fields["draft"]["widget"] == "boolean" and fields["draft"]["required"] is False
    assert fields["order"] == {**fields["order"], "widget": "number", "value_type": "int"}
    assert fields["title"]["required"] is True and fields["title"]["hint"]
    assert fields["body"]["modes"] == ["raw"]


def test_pictures_go_to_the_images_folder_and_need_a_description(tmp_path):
    files = preview_files(tmp_path)
    config = editor_config(files)
    assert config["media_folder"] == "content/images" and config["public_folder"] == "../images"
    script = files["admin/signpost-cms.js"].decode()
    assert 'name: "alt"' in script and "required: true" in script


# ---- Where the editor saves ----

def test_the_preview_saves_through_decap_server_and_a_published_site_through_its_git_host(tmp_path):
    preview = editor_config(preview_files(tmp_path / "a"))
    assert preview["local_backend"] is True and "publish_mode" not in preview
    site = SITE_YML + "cms_backend: github\ncms_repo: clinic/guidance\n"
    out = build_site(tmp_path / "b", {"site.yml": site})
    published = yaml.safe_load((out / "admin" / "config.yml").read_text())
    assert published["backend"] == {"name": "github", "repo": "clinic/guidance", "branch": "main"}
    assert published["publish_mode"] == "editorial_workflow" and "local_backend" not in published
    page = (out / "admin" / "index.html").read_text()
    assert "connect-src &#39;self&#39; https://api.github.com;" in page
    assert 'name="signpost-local-offset"' not in page


def test_a_published_site_without_a_backend_has_no_editor(tmp_path):
    out = build_site(tmp_path)
    assert not (out / "admin").exists()


def test_an_unknown_backend_is_a_problem(tmp_path):
    problems = build_files_problems(tmp_path, {"site.yml": SITE_YML + "cms_backend: gitlab\n"})
    assert [p.message for p in problems] == ["'cms_backend' must be github or git-gateway, got 'gitlab'."]
    assert problems[0].line == 7


# ---- No patient page is touched by it ----

def test_only_the_admin_page_loads_the_cms_and_it_is_hidden_from_search_engines(tmp_path):
    files = preview_files(tmp_path)
    for path, data in files.items():
        if path.endswith(".html") and not path.startswith("admin/"):
            assert b"decap-cms" not in data and b"admin/" not in data, path
    assert "Disallow: /admin/" in files["robots.txt"].decode()
    assert b"admin" not in files["sitemap.xml"]
    page = files["admin/index.html"].decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "script-src &#39;self&#39; &#39;unsafe-eval&#39;;" in page    # its own policy, not the site's


@pytest.mark.skipif(not INSTALLED, reason="npm ci installs decap-cms")
def test_the_bundle_is_copied_from_node_modules_when_installed(tmp_path):
    files = preview_files(tmp_path)
    page = files["admin/index.html"].decode()
    assert '<script src="decap-cms.js"></script>' in page and "integrity" not in page
    assert files["admin/decap-cms.js"] == (admin.decap_dist(ROOT) / "decap-cms.js").read_bytes()
    chunks = [p for p in files if p.startswith("admin/") and p.endswith(".decap-cms.js")]
    assert len(chunks) > 10 and "admin/yaml/index.js" in files


def test_without_node_modules_the_bundle_comes_from_a_cdn_with_integrity(tmp_path):
    root = tmp_path / "code"   # the project's code without node_modules
    for folder in ("templates", "assets"):
        shutil.copytree(ROOT / folder, root / folder)
    files = preview_files(tmp_path, root=root)
    page = files["admin/index.html"].decode()
    assert (f'<script src="https://cdn.jsdelivr.net/npm/decap-cms@{admin.DECAP_VERSION}/dist/decap-cms.js" '
            f'integrity="{admin.DECAP_SRI}" crossorigin="anonymous"></script>') in page
    assert "script-src &#39;self&#39; &#39;unsafe-eval&#39; https://cdn.jsdelivr.net/npm;" in page
    assert not any(p.endswith(".decap-cms.js") or p.startswith("admin/yaml/") for p in files)


@pytest.mark.skipif(not INSTALLED, reason="npm ci installs decap-cms")
def test_the_committed_integrity_hash_and_versions_match_the_pinned_packages():
    bundle = (admin.decap_dist(ROOT) / "decap-cms.js").read_bytes()
    assert admin.DECAP_SRI == "sha384-" + base64.b64encode(hashlib.sha384(bundle).digest()).decode()
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert pins["decap-cms"] == admin.DECAP_VERSION and pins["yaml"] == admin.YAML_VERSION
    assert json.loads((ROOT / "node_modules/decap-cms/package.json").read_text())["version"] == admin.DECAP_VERSION


# ---- Saving keeps the file as it was written ----

def save(kind: str, text: str, changes: dict) -> str:
    run = subprocess.run([NODE, str(ROOT / "tests" / "admin_format.mjs")], input=json.dumps(
        {"kind": kind, "text": text, "changes": changes}), capture_output=True, text=True,
        env={"NODE_NO_WARNINGS": "1", "PATH": "/usr/bin:/bin"}, check=True)
    return json.loads(run.stdout)["saved"]


COMMENTED_TIP = """\
---
# Checked with the team in December.
title: Rest between runs   # short on purpose
summary: "Keep moving, but rest."
tags: [running, rest]
date: 2026-11-29
order: 8
sources:
  - Life Effect, "Top tips"
  - NHS
---

## Why

Text.
"""


@needs_node
def test_saving_unchanged_keeps_every_byte():
    assert save("md", COMMENTED_TIP, {}) == COMMENTED_TIP


@needs_node
def test_saving_rewrites_only_the_changed_values_in_place():
    saved = save("md", COMMENTED_TIP, {"title": "Rest days", "tags": ["running", "rest", "sleep"],
                                       "sources": ["NHS", "Note: two"], "body": "## Why\n\nNew text.\n"})
    assert saved == COMMENTED_TIP.replace("title: Rest between runs", "title: Rest days").replace(
        "[running, rest]", "[running, rest, sleep]").replace(
        '  - Life Effect, "Top tips"\n  - NHS', '  - NHS\n  - "Note: two"').replace("Text.", "New text.")


@needs_node
def test_emptied_values_are_removed_and_new_ones_added_at_the_end():
    saved = save("md", COMMENTED_TIP, {"order": None, "draft": True, "clinical": False, "reviewed_by": ""})
    assert saved == COMMENTED_TIP.replace("order: 8\n", "").replace("  - NHS\n", "  - NHS\ndraft: true\n")


@needs_node
def test_quoting_and_the_blank_line_after_the_front_matter_are_kept():
    saved = save("md", COMMENTED_TIP, {"summary": "Rest: then run.", "body": "Shorter.\n"})
    assert 'summary: "Rest: then run."' in saved and saved.endswith("---\n\nShorter.\n")


@needs_node
def test_site_settings_keep_their_comments():
    text = (ROOT / "content" / "site.yml").read_text()
    saved = save("yml", text, {"phone": "0161 111 1111"})
    assert saved == text.replace("phone: 0161 000 0000", "phone: 0161 111 1111")


@needs_node
def test_a_saved_tip_still_builds(tmp_path):
    saved = save("md", tip(title="Old"), {"title": "New title", "tags": ["running", "warm-up"]})
    files = preview_files(tmp_path, {"tips/warm-up.md": saved})
    assert b"New title" in files["tips/warm-up/index.html"]


# ---- decap-server beside the preview ----

@needs_node
def test_decap_server_starts_with_the_preview_and_stops_with_it(tmp_path, capsys):
    from signpost.serve import web_editor
    content = make_content(tmp_path)
    port = free_port()
    with web_editor(ROOT, content, port, "127.0.0.1", f"http://127.0.0.1:{port}/") as process:
        url = f"http://127.0.0.1:{port + admin.LOCAL_PORT_OFFSET}/api/v1"
        request = urllib.request.Request(url, json.dumps({"action": "info"}).encode(),
                                         {"Content-Type": "application/json"})
        answer = {}

        def answered():
            try:
                answer.update(json.load(urllib.request.urlopen(request, timeout=2)))
                return True
            except OSError:
                return False
        wait_for(answered, "decap-server")
        assert answer["type"] == "local_fs" and answer["repo"] == tmp_path.name
    assert process.poll() is not None
    assert f"Web editor on http://127.0.0.1:{port}/admin/" in capsys.readouterr().out


def test_without_decap_server_the_preview_says_how_to_get_the_editor(tmp_path, capsys):
    from signpost.serve import web_editor
    with web_editor(tmp_path, make_content(tmp_path), 8000, "127.0.0.1", "http://127.0.0.1:8000/") as process:
        assert process is None
    assert capsys.readouterr().out == ("No web editor: install node and run 'npm ci' (make serve does), "
                                       "then open /admin/.\n")


def test_no_decap_server_on_a_preview_others_can_reach(tmp_path, capsys):
    from signpost.serve import web_editor
    with web_editor(ROOT, make_content(tmp_path), 8000, "0.0.0.0", "http://0.0.0.0:8000/") as process:
        assert process is None


@needs_node
def test_lists_can_be_emptied_wherever_they_stand():
    assert save("md", COMMENTED_TIP, {"sources": []}) == COMMENTED_TIP.replace(
        'sources:\n  - Life Effect, "Top tips"\n  - NHS\n', "")
    moved = COMMENTED_TIP.replace("order: 8\n", "").replace("  - NHS\n", "  - NHS\norder: 8\n")
    assert save("md", moved, {"sources": []}) == moved.replace('sources:\n  - Life Effect, "Top tips"\n  - NHS\n', "")
    assert save("md", moved, {"sources": ["One"]}) == moved.replace('  - Life Effect, "Top tips"\n  - NHS\n',
                                                                    "  - One\n")


def test_copied_files_are_read_again_only_when_they_change(tmp_path):
    from signpost.memo import RenderMemo
    source, memo = tmp_path / "bundle.js", RenderMemo()
    source.write_bytes(b"one")
    first = admin.copied("admin/bundle.js", source, memo)
    assert admin.copied("admin/bundle.js", source, memo) is first
    source.write_bytes(b"three")
    assert admin.copied("admin/bundle.js", source, memo) == b"three"


def test_a_mistake_in_the_preview_keeps_the_editor_so_it_can_be_fixed_there(tmp_path):
    from signpost.serve import Preview, rebuild
    content = make_content(tmp_path)
    preview = Preview(Project(content, ROOT / "templates", ROOT / "assets"), tmp_path / "preview",
                      "http://127.0.0.1:8000/")
    assert rebuild(preview)
    editor_page = (tmp_path / "preview" / "admin" / "index.html").read_bytes()
    (content / "tips" / "warm-up.md").write_text(tip(title="[Broken"), encoding="utf-8")
    for _ in range(2):   # a second mistake in a row too
        assert not rebuild(preview)
        assert b"Something needs fixing" in (tmp_path / "preview" / "tips" / "warm-up" / "index.html").read_bytes()
        assert (tmp_path / "preview" / "admin" / "index.html").read_bytes() == editor_page
        assert (tmp_path / "preview" / "admin" / "signpost-cms.js").is_file()


@needs_node
def test_a_new_tip_written_by_the_editor_builds(tmp_path):
    saved = save("md", "", {"title": "New tip", "summary": "Why it helps.", "tags": ["running"], "date": "2026-12-04",
                            "draft": False, "clinical": False, "order": None, "sources": [], "body": "## One\n\nText.\n"})
    assert saved == ("---\ntitle: New tip\nsummary: Why it helps.\ntags:\n  - running\ndate: 2026-12-04\n---\n"
                     "## One\n\nText.\n")
    files = preview_files(tmp_path, {"tips/new-tip.md": saved})
    assert b"New tip" in files["tips/new-tip/index.html"]
