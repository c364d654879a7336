"""Pictures: responsive sizes and formats, alt text, hero pictures, the SVG allow-list, the cache, weights."""
from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from PIL import Image

from signpost.bodies import BodyCache
from signpost.incremental import Warm
from signpost.pipeline import Project, build, build_files, load_site
from signpost.pictures import DECORATIVE, MAX_PIXELS
from signpost.problems import BuildFailed
from signpost.weight import PAGE_BUDGET, page_weights
from tests.sitekit import ROOT, build_site, make_content, picture, snapshot, tip


def page_of(out, slug="warm-up") -> str:
    return (out / "tips" / slug / "index.html").read_text(encoding="utf-8")


def messages(tmp_path, files) -> list[str]:
    _, problems = load_site(Project.at(ROOT, make_content(tmp_path, files)))
    return [str(p) for p in problems]


def opened(out, url: str) -> Image.Image:
    return Image.open(out / url.lstrip("/"))


# ---- Photos ----

def test_a_photo_becomes_a_sized_lazy_picture_in_three_formats_and_widths(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A runner on a hill](../images/hill.jpg)\n"),
                                "images/hill.jpg": picture(2000, 1000, fmt="JPEG")})
    html = page_of(out)
    sources = dict(re.findall(r'<source sizes="[^"]+" srcset="([^"]+)" type="([^"]+)">', html)[i][::-1] for i in range(2))
    assert list(sources) == ["image/avif", "image/webp"]   # best first: the browser takes the first it knows
    img = re.search(r"<img [^>]*>", html.split('class="prose"')[1]).group()
    for attribute in ('alt="A runner on a hill"', 'width="1440"', 'height="720"', 'loading="lazy"',
                      'decoding="async"', 'src="/images/hill.1440.'):
        assert attribute in img
    fallback = re.search(r'srcset="([^"]+)"', img).group(1)
    for srcset, kind in ((sources["image/avif"], "AVIF"), (sources["image/webp"], "WEBP"), (fallback, "JPEG")):
        candidates = [c.split() for c in srcset.split(", ")]
        assert [w for _, w in candidates] == ["480w", "960w", "1440w"]
        for url, width in candidates:
            with opened(out, url) as file:
                assert (file.format, file.size) == (kind, (int(width[:-1]), int(width[:-1]) // 2))
    assert not (out / "images" / "hill.jpg").exists()   # the camera's original (and its metadata) stays home


def test_a_picture_with_transparency_falls_back_to_png_and_a_small_one_is_never_enlarged(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A logo](../images/logo.png)\n"),
                                "images/logo.png": picture(300, 200, (0, 0, 0, 0), mode="RGBA")})
    img = re.search(r"<img [^>]*>", page_of(out).split('class="prose"')[1]).group()
    assert 'width="300"' in img and 'height="200"' in img and "srcset" not in img   # one size: nothing to choose from
    url = re.search(r'src="([^"]+)"', img).group(1)
    with opened(out, url) as file:
        assert (file.format, file.size, file.mode) == ("PNG", (300, 200), "RGBA")


def test_a_portrait_photo_from_a_phone_stands_up(tmp_path):
    photo = Image.new("RGB", (600, 400), (10, 120, 60))
    exif = photo.getexif()
    exif[0x0112] = 6   # "rotate 90° to show": how phones save a portrait photo
    data = io.BytesIO()
    photo.save(data, "JPEG", exif=exif)
    out = build_site(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A runner](../images/me.jpg)\n"),
                                "images/me.jpg": data.getvalue()})
    img = re.search(r"<img [^>]*>", page_of(out).split('class="prose"')[1]).group()
    assert 'width="400"' in img and 'height="600"' in img


def test_decorative_pictures_say_so_and_get_an_empty_alt(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(body=f"## One\n\n![{DECORATIVE}](../images/line.png)\n"),
                                "images/line.png": picture(40, 4)})
    assert re.search(r'<img alt="" [^>]*src="/images/line\.40\.', page_of(out))


def test_a_picture_without_alt_text_is_a_problem_at_its_line(tmp_path):
    found = messages(tmp_path, {"tips/warm-up.md": tip(body="## One\n\nText.\n\n![](../images/line.png)\n"),
                                "images/line.png": picture()})
    assert found == ["content/tips/warm-up.md:12: The image '../images/line.png' has no description (alt text). "
                     "Hint: Write what the picture shows between the brackets: ![A runner stretching](...)."]


# ---- Broken, huge and hostile files ----

def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its data doesn't have: a decompression bomb's first bytes."""
    data = picture()
    header = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + header + struct.pack(">I", zlib.crc32(header)) + data[33:]


@pytest.mark.parametrize("data, message", [
    (b"<html><script>alert(1)</script>", "This file could not be read as a picture (UnidentifiedImageError). "
     "Hint: Open it in a picture editor and save it again as .jpg or .png."),
    (picture(400, 300, fmt="JPEG")[:300], "This file could not be read as a picture (OSError). "
     "Hint: Open it in a picture editor and save it again as .jpg or .png."),
    (png_claiming(8000, 8000), f"This picture is 8,000 × 8,000 pixels, too big to process (the limit is "
     f"{MAX_PIXELS // 1_000_000} million pixels). Hint: Save it smaller: 2,000 pixels wide is plenty for the site."),
    (png_claiming(20000, 20000), f"This picture is more pixels than Pillow will open, too big to process (the limit "
     f"is {MAX_PIXELS // 1_000_000} million pixels). Hint: Save it smaller: 2,000 pixels wide is plenty for the site."),
], ids=["a web page", "cut short", "too many pixels", "decompression bomb"])
def test_a_picture_that_cannot_be_used_is_a_problem_not_a_traceback(tmp_path, data, message):
    found = messages(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A run](../images/run.png)\n"),
                                "images/run.png": data})
    assert found == [f"content/images/run.png: {message}"]   # once: the tip is not told the picture is missing


def test_a_failed_picture_leaves_the_last_site_as_it_was(tmp_path):
    out = build_site(tmp_path, {"images/run.png": picture()})
    before = snapshot(out)
    with pytest.raises(BuildFailed):
        build_site(tmp_path, {"images/run.png": b"GIF89a broken"})
    assert snapshot(out) == before


# ---- SVG drawings ----

HOSTILE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 200 100" onload="alert(1)">
  <script>alert(2)</script>
  <style>rect { fill: url(https://tracker.example/x) }</style>
  <rect width="200" height="100" fill="#fff" style="fill: url(https://tracker.example/y)"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <a xlink:href="javascript:alert(3)"><text x="1" y="20">Click</text></a>
  <use href="https://elsewhere.example/sprite.svg#x"/>
  <use xlink:href="#dot"/>
  <circle id="dot" cx="50" cy="50" r="10" fill="url(#shade)" onclick="alert(4)"/>
  <image href="data:image/svg+xml;base64,PHN2Zz4="/>
  <text x="10" y="90">Stretch &amp; breathe</text>
</svg>"""


def test_a_hostile_drawing_is_cut_down_to_shapes_and_the_editor_told(tmp_path):
    content = make_content(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A dot](../images/dot.svg)\n"),
                                      "images/dot.svg": HOSTILE_SVG})
    out = tmp_path / "dist"
    report = build(Project.at(ROOT, content), out)
    assert [str(w) for w in report.warnings] == [
        "content/images/dot.svg: warning: Some parts of this drawing were removed because they aren't allowed: "
        "<a>, <foreignObject>, <image>, <script>, <style>, links, the onclick attribute, the onload attribute, "
        "the style attribute. Hint: Drawings may only hold shapes, text and colours; save it again without "
        "scripts, links or styles."]
    [svg] = (out / "images").glob("dot.200.*.svg")
    assert svg.read_text(encoding="utf-8") == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect width="200" height="100" fill="#fff">'
        '</rect><use></use><use href="#dot"></use><circle id="dot" cx="50" cy="50" r="10" fill="url(#shade)">'
        '</circle><text x="10" y="90">Stretch &amp; breathe</text></svg>')
    assert f'<img alt="A dot" decoding="async" height="100" loading="lazy" src="/{svg.relative_to(out)}" ' \
           f'width="200">' in page_of(out)


@pytest.mark.parametrize("text, message", [
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&b;</text></svg>',
     "This drawing could not be read as SVG (DTDForbidden: DTDForbidden(name='svg', system_id=None, "
     "public_id=None)). Hint: Save it again from your drawing program as plain SVG."),
    ("<svg", "This drawing could not be read as SVG (ParseError: unclosed token: line 1, column 0). "
     "Hint: Save it again from your drawing program as plain SVG."),
    ('<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
     "This file is not an SVG drawing: it must start with an <svg> element. "
     "Hint: Save it again from your drawing program as plain SVG."),
    ('<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>',
     "This drawing has no size: give its <svg> a viewBox (or a width and height). "
     'Hint: For example <svg viewBox="0 0 400 300" ...>.'),
], ids=["entities (billion laughs)", "not XML", "not SVG", "no size"])
def test_a_drawing_that_cannot_be_used_is_a_problem(tmp_path, text, message):
    assert messages(tmp_path, {"images/d.svg": text}) == [f"content/images/d.svg: {message}"]


# ---- Hero pictures ----

def test_a_hero_picture_shows_under_the_title_and_loads_at_once(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(hero="../images/hill.jpg", hero_alt="A hill at dawn"),
                                "images/hill.jpg": picture(800, 600, fmt="JPEG")})
    hero = re.search(r'<p class="hero">(.*?)</p>', page_of(out)).group(1)
    assert hero.startswith('<picture><source type="image/avif"')
    assert 'alt="A hill at dawn" width="800" height="600"' in hero and 'fetchpriority="high"' in hero
    assert "loading=" not in hero   # the first thing a reader sees is never deferred


def test_a_hostile_hero_description_stays_text(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(hero="../images/hill.jpg",
                                                       hero_alt="'\"><script>alert(1)</script>'"),
                                "images/hill.jpg": picture(fmt="JPEG")})
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page_of(out)
    assert "<script>alert" not in page_of(out)


@pytest.mark.parametrize("extra, message", [
    ({"hero": "../images/hill.jpg"}, "content/tips/warm-up.md:7: The hero picture '../images/hill.jpg' has no "
     "description (hero_alt). Hint: Add hero_alt: and say what the picture shows; write hero_alt: decorative if "
     "it only decorates the page."),
    ({"hero": "../images/none.jpg", "hero_alt": "A hill"}, "content/tips/warm-up.md:7: The hero picture "
     "'../images/none.jpg' doesn't exist. Hint: Put it in content/images/ and write hero: ../images/NAME."),
    ({"hero_alt": "A hill"}, "content/tips/warm-up.md:7: 'hero_alt' describes a hero picture, but there is no "
     "'hero'. Hint: Add hero: ../images/NAME, or remove hero_alt."),
    ({"hero": "[a, b]", "hero_alt": "A hill"}, "content/tips/warm-up.md:7: 'hero' must name a picture, e.g. "
     "hero: ../images/stretch.svg."),
])
def test_hero_mistakes_are_explained_at_their_line(tmp_path, extra, message):
    files = {"tips/warm-up.md": tip(**extra), "images/hill.jpg": picture(fmt="JPEG")}
    assert messages(tmp_path, files) == [message]


# ---- The cache: warm builds and the preview never encode an unchanged picture again ----

def test_pictures_are_encoded_once_per_content_even_across_builds_and_renames(tmp_path):
    files = {"tips/warm-up.md": tip(body="## One\n\n![A hill](../images/hill.jpg)\n"),
             "images/hill.jpg": picture(600, 400, fmt="JPEG")}
    content = make_content(tmp_path, files)
    cache_file = tmp_path / ".cache" / "bodies.pickle"
    first = BodyCache.load(cache_file)
    build(Project.at(ROOT, content), tmp_path / "one", speedups=Warm(bodies=first))
    [name] = [key for key in first.products if key[0] == "picture"]
    first.save()

    again = BodyCache.load(cache_file)   # as the next build starts: from disk
    kept = again.products[name].result
    (content / "images/hill.jpg").rename(content / "images/hills.jpg")
    (content / "tips/warm-up.md").write_text(tip(body="## One\n\n![A hill](../images/hills.jpg)\n"))
    build(Project.at(ROOT, content), tmp_path / "two", speedups=Warm(bodies=again))
    assert again.products[name].result is kept   # same bytes: the encoding was reused, not made again
    assert {p.name.split(".", 1)[1] for p in (tmp_path / "two/images").iterdir()} == \
           {p.name.split(".", 1)[1] for p in (tmp_path / "one/images").iterdir()}

    (content / "images/hills.jpg").write_bytes(picture(600, 400, (200, 0, 0), fmt="JPEG"))
    build(Project.at(ROOT, content), tmp_path / "three", speedups=Warm(bodies=again))
    assert name not in again.products and len([k for k in again.products if k[0] == "picture"]) == 1   # old one forgotten
    assert snapshot(tmp_path / "three") == snapshot(build_site(tmp_path / "cold", {
        "tips/warm-up.md": tip(body="## One\n\n![A hill](../images/hills.jpg)\n"),
        "images/hills.jpg": picture(600, 400, (200, 0, 0), fmt="JPEG")}))


def test_the_preview_keeps_encodings_in_memory_between_saves(tmp_path):
    content = make_content(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![A hill](../images/hill.jpg)\n"),
                                      "images/hill.jpg": picture(600, 400, fmt="JPEG")})
    preview = Warm.in_memory()   # as serve.py keeps it
    files, _, _ = build_files(Project.at(ROOT, content), preview=True, speedups=preview)
    [encoded] = [value for key, value in preview.bodies.products.items() if key[0] == "picture"]
    (content / "tips/warm-up.md").write_text(tip(title="Warm up well", body="## One\n\n![A hill](../images/hill.jpg)\n"))
    again, _, _ = build_files(Project.at(ROOT, content), preview=True, speedups=preview)
    assert [value for key, value in preview.bodies.products.items() if key[0] == "picture"][0] is encoded
    assert {p: d for p, d in again.items() if p.startswith("images/")} == \
           {p: d for p, d in files.items() if p.startswith("images/")}


# ---- Weights ----

def test_pictures_are_weighed_beside_the_budget_not_in_it(tmp_path):
    noise = Image.effect_noise((1600, 1200), 90).convert("RGB")   # barely compresses: a heavy photo
    data = io.BytesIO()
    noise.save(data, "JPEG", quality=95)
    out = build_site(tmp_path, {"tips/warm-up.md": tip(body="## One\n\n![Noise](../images/noise.jpg)\n"),
                                "images/noise.jpg": data.getvalue()})
    files = snapshot(out)
    weight = next(w for w in page_weights(files) if w.path == "tips/warm-up/index.html")
    largest = max(len(data) for path, data in files.items() if path.startswith("images/noise.1440."))
    assert weight.pictures == largest > PAGE_BUDGET and not weight.over_budget
    assert not any(part.startswith("images/") for part in weight.parts)


# ---- The real site ----

def test_the_real_tips_carry_our_drawings_with_alt_text(built_site):
    for slug in ("running-form", "warm-up", "stretching"):
        drawings = [img for img in re.findall(r"<img [^>]*>", page_of(built_site, slug))
                    if re.search(r'src="/images/[a-z-]+\.\d+\.[0-9a-f]{10}\.svg"', img)]
        assert len(drawings) == 1, slug
        assert len(re.search(r'alt="([^"]*)"', drawings[0]).group(1)) > 60   # says what the drawing shows
        assert re.search(r'width="\d+"', drawings[0]) and re.search(r'height="\d+"', drawings[0])
    for svg in (built_site / "images").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r" on[a-z]+=", text) and "<title>" in text


def test_pages_with_pictures_are_valid_html(tmp_path):
    from tests.test_site_in_browser import vnu_errors

    out = build_site(tmp_path, {
        "tips/warm-up.md": tip(body="## One\n\n![A hill](../images/hill.jpg) and ![decorative](../images/d.svg)\n",
                               hero="../images/logo.png", hero_alt="A logo"),
        "images/hill.jpg": picture(1000, 500, fmt="JPEG"), "images/logo.png": picture(200, 100, (0, 0, 0, 0), mode="RGBA"),
        "images/d.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'})
    errors = vnu_errors(out / "tips")
    assert errors == [], "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in errors)
