"""The Markdown cache and parallel rendering: never stale, and byte-identical to a plain build."""
import os
import pickle
import shutil

import pytest

from signpost.bodies import BodyCache
from signpost.incremental import Cold, Warm
from signpost.pipeline import Project, build
from signpost.problems import BuildFailed
from tests.sitekit import ROOT, make_content, snapshot, tip


def many_tips(count):
    return {f"tips/tip-{i:03}.md": tip(title=f"Tip {i}", tags=f"[t{i % 7}]",
                                       body=f"## Part\n\nSee [the next](tip-{(i + 1) % count:03}.md).\n")
            for i in range(count)}


def test_parallel_and_cached_builds_give_the_same_bytes(tmp_path):
    content = make_content(tmp_path, many_tips(120))
    project = Project.at(ROOT, content)
    build(project, tmp_path / "plain")
    build(project, tmp_path / "parallel", speedups=Cold(2))
    cache = BodyCache.load(tmp_path / "cache.json")
    build(project, tmp_path / "cold", speedups=Warm(bodies=cache))
    warm = BodyCache.load(tmp_path / "cache.json")
    assert len(warm.entries) == 121  # 120 tips and the default warm-up tip
    build(project, tmp_path / "warm", speedups=Warm(bodies=warm))
    plain = snapshot(tmp_path / "plain")
    assert plain == snapshot(tmp_path / "parallel") == snapshot(tmp_path / "cold") == snapshot(tmp_path / "warm")


def test_cache_is_never_stale(tmp_path):
    """Change a body, a title, a tag, a template and the set of files: each shows up at once."""
    content = make_content(tmp_path, {"tips/shoes.md": tip(title="Shoes", body="[Warm](warm-up.md)\n")})
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    project = Project(content, templates, ROOT / "assets")
    cache, out = BodyCache(), tmp_path / "out"
    build(project, out, speedups=Warm(bodies=cache))
    (content / "tips/shoes.md").write_text(tip(title="Trainers", tags="[kit]", body="[Warm up](warm-up.md) now\n"))
    (templates / "tag.html").write_text((templates / "tag.html").read_text().replace("Tips about", "All about"))
    build(project, out, speedups=Warm(bodies=cache))
    page = (out / "tips/shoes/index.html").read_text()
    assert "<h1>Trainers</h1>" in page and "Warm up</a> now" in page
    assert "All about kit" in (out / "tags/kit/index.html").read_text()
    assert not (out / "tags/running").exists() or "Trainers" not in (out / "tags/running/index.html").read_text()
    (content / "tips/warm-up.md").unlink()  # the link in shoes.md now points nowhere
    with pytest.raises(BuildFailed, match="points at a file that doesn't exist"):
        build(project, out, speedups=Warm(bodies=cache))


def test_a_damaged_cache_file_is_ignored(tmp_path):
    (tmp_path / "cache.json").write_text("{not json")
    assert BodyCache.load(tmp_path / "cache.json").entries == {}


@pytest.mark.parametrize("part", ["entries", "documents", "products"])
@pytest.mark.parametrize("damage", ["null values", "a list", None])
def test_a_cache_file_of_the_wrong_shape_costs_a_cold_build_not_a_crash(tmp_path, part, damage):
    # Adversarial review, item 12: a cache that unpickled but held a None where an entry belongs crashed the build.
    content = make_content(tmp_path)
    os.utime(content / "tips/warm-up.md", (1, 1))   # old enough to be trusted by its signature
    project, out, path = Project.at(ROOT, content), tmp_path / "dist", tmp_path / "cache.pickle"
    build(project, out, speedups=Warm(bodies=BodyCache.load(path)))
    good = snapshot(out)
    saved = pickle.loads(path.read_bytes())
    saved[part] = {key: None for key in saved[part]} if damage == "null values" else [] if damage == "a list" else None
    path.write_bytes(pickle.dumps(saved))
    assert BodyCache.load(path).entries == {}
    build(project, out, speedups=Warm(bodies=BodyCache.load(path)))
    assert snapshot(out) == good


def test_preview_reuses_unchanged_tip_pages_but_never_a_stale_one(tmp_path):
    from signpost.serve import Preview, rebuild
    content = make_content(tmp_path, {"tips/shoes.md": tip(title="Shoes", body="Fit.\n"),
                                      "tips/rest.md": tip(title="Rest", tags="[sleep]")})
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    state = Preview(Project(content, templates, ROOT / "assets"), tmp_path / "preview", "http://127.0.0.1:8000/")
    assert rebuild(state)
    (content / "tips/shoes.md").write_text(tip(title="Trainers", body="Fit well.\n"))
    assert rebuild(state)
    rest_entry = state.speedups.pages.pages["tips/rest/index.html"]
    warm = (tmp_path / "preview/tips/warm-up/index.html").read_text()
    assert "Trainers" in warm and "Shoes" not in warm  # the related-tips card of a changed tip
    assert "Fit well." in (tmp_path / "preview/tips/shoes/index.html").read_text()
    (content / "tips/shoes.md").write_text(tip(title="Trainers", body="Fit well, always.\n"))
    assert rebuild(state)
    assert state.speedups.pages.pages["tips/rest/index.html"] is rest_entry  # only a body changed: reused, not re-rendered
    assert "Fit well, always." in (tmp_path / "preview/tips/shoes/index.html").read_text()
    (templates / "macros.html").write_text((templates / "macros.html").read_text().replace("min read", "minutes"))
    assert rebuild(state)
    assert "minutes" in (tmp_path / "preview/tips/warm-up/index.html").read_text()
    fresh = tmp_path / "fresh"
    build(Project(content, templates, ROOT / "assets"), fresh, base_url="http://127.0.0.1:8000/", preview=True)
    assert snapshot(fresh) == snapshot(tmp_path / "preview")
