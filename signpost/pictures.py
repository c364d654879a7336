"""Pictures from content/images/: responsive sizes for photos, a strict allow-list for SVG drawings.

A photo (PNG, JPEG, GIF, WebP, AVIF) is decoded once by Pillow and written again in a few
widths, as AVIF and WebP for browsers that take them and JPEG (PNG when it has transparency)
for the rest; its metadata (a phone's GPS position, say) is left behind. An SVG is parsed with
defusedxml, cut down to a small set of drawing elements and attributes, and written afresh, so
no script, event handler, foreignObject, outside link or style can reach the site through it.

Encoding is slow, so its results are kept by the SHA-256 of the file's bytes (through the
build's Incremental.make, see incremental.py): warm builds and the preview re-encode only changed pictures.
Every output file is named by its own hash, so hosts can cache it for ever.

Markdown's `![alt](../images/x.jpg)` becomes a <picture> (PictureTreeprocessor), and a tip's
`hero:` picture the same markup (hero_html). Alt text is required; `decorative` as the alt
text says on purpose that a picture adds nothing for someone who can't see it (alt="").
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from xml.sax.saxutils import escape, quoteattr

from markdown.treeprocessors import Treeprocessor

from .model import LinkTargets, Tip
from .problems import Problem, problem
from .yamlfile import YamlMap

if TYPE_CHECKING:
    from markdown import Markdown
    from PIL.Image import Image

    from .model import Document

PHOTOS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")
DRAWINGS = (".svg",)
PILLOW_FORMATS = ["PNG", "JPEG", "GIF", "WEBP", "AVIF"]   # the only decoders a file may reach
WIDTHS = (480, 960, 1440)          # the column is 42rem (672 px): 1440 covers it on a 2x screen
MAX_FILE_BYTES = 20_000_000        # a camera's photo is 3-10 MB
MAX_PIXELS = 50_000_000            # about 8,700 × 5,800; Pillow itself refuses 179 million (a decompression bomb)
MAX_SVG_BYTES = 1_000_000
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"   # how wide a picture shows: .wrap in site.css
DECORATIVE = "decorative"          # the alt text that says a picture is only decoration
T = TypeVar("T")


# ---- What a picture becomes ----

@dataclass(frozen=True)
class Variant:
    """One output file of a picture: a size in a format."""

    path: str        # "images/run.960.1a2b3c4d5e.webp", in the site
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Picture:
    """A picture ready for pages: its size and its files, smallest first, modern formats first."""

    source: str                      # "images/run.jpg", relative to the content folder
    digest: str                      # SHA-256 of the source file's bytes
    width: int
    height: int
    variants: tuple[Variant, ...]

    @property
    def fallback(self) -> tuple[Variant, ...]:
        """The files every browser can show: JPEG, PNG or the cleaned SVG."""
        return tuple(v for v in self.variants if v.mime in ("image/jpeg", "image/png", "image/svg+xml"))

    @property
    def modern(self) -> dict[str, tuple[Variant, ...]]:
        """AVIF and WebP files by type, best first: a <source> each."""
        found: dict[str, list[Variant]] = {}
        for variant in self.variants:
            if variant.mime in ("image/avif", "image/webp"):
                found.setdefault(variant.mime, []).append(variant)
        return {mime: tuple(found[mime]) for mime in ("image/avif", "image/webp") if mime in found}


@dataclass(frozen=True)
class Encoded:
    """What encoding a source gives, independent of its name: kept by the bytes' hash."""

    width: int
    height: int
    files: tuple[tuple[int, int, str, str, bytes], ...]   # (width, height, mime, extension, bytes)
    notes: tuple[tuple[str, str, str], ...] = ()          # (message, hint, severity): problems without a path


# ---- Reading content/images/ ----

class PicturesRead(NamedTuple):
    """What content/images/ gave."""

    pictures: dict[str, Picture]    # by source path: "images/run.jpg"
    files: dict[str, bytes]         # the files to publish, by output path
    problems: list[Problem]
    names: frozenset[str]           # every picture file's source path, usable or not: a tip showing
                                    # a broken one is not told it is missing
    encodings: set[tuple[str, str]]  # ("picture", SHA-256 of the bytes) for every file read: what `make` kept


def make_afresh(name: tuple[str, str], make: Callable[..., T], *inputs: Any) -> T:
    """A build that keeps nothing: make(*inputs) (incremental.Cold.make)."""
    return make(*inputs)


def read_pictures(content: Path, make: Callable[..., Any] = make_afresh) -> PicturesRead:
    """Every picture under content/images/, encoded.

    `make` is the build's Incremental.make: each encoding is made under ("picture", SHA-256 of
    the bytes), from the digest alone, so a warm build or the preview re-encodes only pictures
    whose bytes are new; encodings no file uses any more are forgotten when loading is over."""
    from .sources import outside_problem   # sources.py reads the files; this module only pictures

    folder = content / "images"
    pictures: dict[str, Picture] = {}
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    used: set[tuple[str, str]] = set()
    found: set[str] = set()
    for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if file.is_dir() and not file.is_symlink() or file.name.startswith("."):  # .DS_Store: never published
            continue
        rel = file.relative_to(content).as_posix()
        display = f"{content.name}/{rel}"
        data = read_source(file, content, display, outside_problem)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        found.add(rel)
        digest = hashlib.sha256(data).hexdigest()
        used.add(("picture", digest))
        encoded: Encoded = make(("picture", digest), encoding_of(data, file.suffix.lower()), digest)
        problems += [problem(display, None, message, hint, severity) for message, hint, severity in encoded.notes]
        if encoded.files:
            picture = picture_from(rel, digest, encoded)
            pictures[rel] = picture
            files.update(zip((v.path for v in picture.variants), (f[4] for f in encoded.files)))
    return PicturesRead(pictures, files, problems, frozenset(found), used)


def read_source(file: Path, content: Path, display: str,
                outside_problem: Callable[[Path, Path, str], Problem | None]) -> bytes | Problem:
    """A picture file's bytes, or why it can't be used (a link out of content/, not a picture, too big)."""
    refused = outside_problem(file, content, display)
    if refused:
        return refused
    if file.suffix.lower() not in PHOTOS + DRAWINGS:  # an .html file would run its scripts on the site
        return problem(display, None, f"Only pictures can go in the images folder, not '{file.name}'",
                             f"Use a {', '.join(PHOTOS)} or .svg file.")
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return problem(display, None, f"This picture is {size / 1e6:.0f} MB, too big to publish "
                                 f"(the limit is {MAX_FILE_BYTES // 1_000_000} MB)",
                                 "Save it smaller: 2,000 pixels wide is plenty for the site.")
        return file.read_bytes()
    except OSError as error:
        return problem(display, None, f"This file could not be read: {error.strerror}")


def encoding_of(data: bytes, suffix: str) -> Callable[[str], Encoded]:
    """What encodes these bytes, given their digest (the only input a cache compares: the bytes
    themselves are not kept twice)."""
    return lambda digest: encode_drawing(data) if suffix in DRAWINGS else encode_photo(data)


def picture_from(rel: str, digest: str, encoded: Encoded) -> Picture:
    """Name each encoded file after the source and its own hash: images/run.960.1a2b3c4d5e.webp."""
    stem = posixpath.splitext(rel)[0]
    variants = tuple(Variant(f"{stem}.{w}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}", w, h, mime)
                     for w, h, mime, ext, data in encoded.files)
    return Picture(rel, digest, encoded.width, encoded.height, variants)


# ---- Photos: Pillow ----

def encode_photo(data: bytes) -> Encoded:
    """A photo in each width up to its own, as AVIF, WebP and JPEG (PNG if it has transparency)."""
    from PIL import Image, ImageOps   # only builds with photos pay for importing Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS)   # reads the header only
            if image.width * image.height > MAX_PIXELS:
                return too_many_pixels(f"{image.width:,} × {image.height:,} pixels")
            image.load()
            image = ImageOps.exif_transpose(image)   # a phone's portrait photo stands up
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own limit, at open
        return too_many_pixels("more pixels than Pillow will open")
    except Exception as error:  # Pillow raises many kinds for a damaged file: each means the same to an editor
        return Encoded(0, 0, (), ((f"This file could not be read as a picture ({type(error).__name__})",
                                   "Open it in a picture editor and save it again as .jpg or .png.", "error"),))
    see_through = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if see_through else "RGB")
    files = []
    for target in widths_for(image.width):
        resized = image if target == image.width else image.resize(
            (target, max(1, round(image.height * target / image.width))), Image.Resampling.LANCZOS)
        files += [encoded_file(resized, fmt) for fmt in ("AVIF", "WEBP", "PNG" if see_through else "JPEG")]
    widest = files[-1]
    return Encoded(widest[0], widest[1], tuple(files))


def too_many_pixels(size: str) -> Encoded:
    return Encoded(0, 0, (), ((f"This picture is {size}, too big to process "
                               f"(the limit is {MAX_PIXELS // 1_000_000} million pixels)",
                               "Save it smaller: 2,000 pixels wide is plenty for the site.", "error"),))


def widths_for(width: int) -> list[int]:
    """The widths to make: each standard width narrower than the picture, and the picture's own
    width up to the widest standard one (never enlarged)."""
    return list(dict.fromkeys([w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]))


FORMATS: dict[str, tuple[str, str, dict[str, int | bool]]] = {  # Pillow format → (MIME type, extension, save options)
    "AVIF": ("image/avif", "avif", {"quality": 55, "speed": 10}),   # 4x faster than speed 8 here, 4% larger
    "WEBP": ("image/webp", "webp", {"quality": 80, "method": 4}),
    "JPEG": ("image/jpeg", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
    "PNG": ("image/png", "png", {"optimize": True}),
}


def encoded_file(image: Image, fmt: str) -> tuple[int, int, str, str, bytes]:
    mime, ext, options = FORMATS[fmt]
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return image.width, image.height, mime, ext, out.getvalue()


# ---- Drawings: SVG through an allow-list ----

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ELEMENTS = {"svg", "g", "title", "desc", "defs", "symbol", "use", "path", "circle", "ellipse", "line",
            "polyline", "polygon", "rect", "text", "tspan", "marker", "linearGradient", "radialGradient", "stop"}
TEXT_ELEMENTS = {"title", "desc", "text", "tspan"}
ATTRIBUTES = {
    "id", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d",
    "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-opacity", "opacity", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor", "dominant-baseline", "marker-start", "marker-mid",
    "marker-end", "markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "fx", "fy", "preserveAspectRatio",
    "clip-rule", "role", "aria-label", "aria-hidden", "href",
}
INSIDE_ONLY = re.compile(r"#[A-Za-z][\w.-]*")               # href="#arrow": a part of this drawing
URL_VALUE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I)  # fill="url(#shade)"
NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


def encode_drawing(data: bytes) -> Encoded:
    """An SVG, cleaned and written afresh; warnings name what was taken out."""
    if len(data) > MAX_SVG_BYTES:
        return refused_drawing(f"This drawing is {len(data) // 1000} KB, more than the "
                               f"{MAX_SVG_BYTES // 1000} KB a drawing may be", "Simplify it, or save it as a .png.")
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        return refused_drawing(f"This drawing could not be read as SVG ({type(error).__name__}: "
                               f"{str(error)[:80]})", "Save it again from your drawing program as plain SVG.")
    if root.tag != f"{{{SVG}}}svg":
        return refused_drawing("This file is not an SVG drawing: it must start with an <svg> element",
                               "Save it again from your drawing program as plain SVG.")
    removed: set[str] = set()
    text = serialise(root, removed)
    size = drawing_size(root)
    if size is None:
        return refused_drawing("This drawing has no size: give its <svg> a viewBox (or a width and height)",
                               'For example <svg viewBox="0 0 400 300" ...>.')
    notes = () if not removed else ((
        f"Some parts of this drawing were removed because they aren't allowed: {', '.join(sorted(removed))}",
        "Drawings may only hold shapes, text and colours; save it again without scripts, links or styles.",
        "warning"),)
    return Encoded(*size, ((size[0], size[1], "image/svg+xml", "svg", text.encode("utf-8")),), notes)


def refused_drawing(message: str, hint: str) -> Encoded:
    return Encoded(0, 0, (), ((message, hint, "error"),))


def drawing_size(root: ET.Element) -> tuple[int, int] | None:
    """Width and height in CSS pixels: from width/height in px, else the viewBox."""
    sizes = [NUMBER.fullmatch(root.get(name, "")) for name in ("width", "height")]
    if sizes[0] and sizes[1]:
        width, height = round(float(sizes[0].group(1))), round(float(sizes[1].group(1)))
    else:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            width, height = round(float(box[2])), round(float(box[3]))
        except (IndexError, ValueError):
            return None
    return (width, height) if 0 < width <= 10_000 and 0 < height <= 10_000 else None


def serialise(element: ET.Element, removed: set[str], top: bool = True) -> str:
    """The element with only allowed parts, as SVG text; what was dropped goes into `removed`."""
    name = local_name(element.tag, removed)
    if name is None:
        return ""
    attributes = [f" {key}={quoteattr(value)}" for key, value in allowed_attributes(element, name, removed)]
    if top:
        attributes.insert(0, f' xmlns="{SVG}"')
    inner = [escape(element.text)] if element.text and name in TEXT_ELEMENTS else []
    for child in element:
        inner.append(serialise(child, removed, top=False))
        if child.tail and name in TEXT_ELEMENTS:
            inner.append(escape(child.tail))
    return f"<{name}{''.join(attributes)}>{''.join(inner)}</{name}>"


def local_name(tag: object, removed: set[str]) -> str | None:
    """An allowed SVG element's name; None (noted) for anything else, comments and scripts included."""
    if not isinstance(tag, str):  # a comment or processing instruction
        return None
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace == SVG and name in ELEMENTS:
        return name
    removed.add(f"<{name}>")
    return None


def allowed_attributes(element: ET.Element, name: str, removed: set[str]) -> Iterator[tuple[str, str]]:
    """(name, value) of the attributes an element keeps: known drawing attributes, links only inside it."""
    for key, value in element.attrib.items():
        plain = "href" if key == f"{{{XLINK}}}href" else key
        if plain not in ATTRIBUTES or (plain == "href" and not INSIDE_ONLY.fullmatch(value.strip())):
            removed.add(f"the {plain.rpartition('}')[2]} attribute" if plain != "href" else "links")
            continue
        if any(not INSIDE_ONLY.fullmatch(found.group(2).strip()) for found in URL_VALUE.finditer(value)) or \
                re.search(r"[a-z]+\s*:|\\", value, re.I) and plain not in ("aria-label",):
            removed.add(f"the {plain} attribute")   # url(https://…), javascript:, escapes
            continue
        yield plain, value


# ---- Pages: the markup for a picture ----

def picture_element(picture: Picture, alt: str, base_path: str, eager: bool = False) -> ET.Element:
    """<picture> with a <source> per modern format and an <img> with the fallback, sized so the
    page doesn't shift as it loads; below-the-fold pictures (all but a hero) load lazily."""
    fallback = picture.fallback
    img = ET.Element("img", {"src": base_path + fallback[-1].path, "alt": "" if is_decorative(alt) else alt,
                             "width": str(picture.width), "height": str(picture.height)})
    if len(fallback) > 1:
        img.set("srcset", srcset(fallback, base_path))
        img.set("sizes", SIZES)
    if eager:
        img.set("fetchpriority", "high")
    else:
        img.set("loading", "lazy")
        img.set("decoding", "async")
    if not picture.modern:
        return img
    element = ET.Element("picture")
    for mime, variants in picture.modern.items():
        ET.SubElement(element, "source", {"type": mime, "srcset": srcset(variants, base_path), "sizes": SIZES})
    element.append(img)
    return element


def srcset(variants: Iterable[Variant], base_path: str) -> str:
    return ", ".join(f"{base_path}{v.path} {v.width}w" for v in variants)


def is_decorative(alt: str) -> bool:
    return alt.strip().lower() == DECORATIVE


def hero_html(picture: Picture, alt: str, base_path: str) -> str:
    """A tip's hero picture: the same markup as a picture in the text, loaded at once."""
    return element_html(picture_element(picture, alt, base_path, eager=True))


def element_html(element: ET.Element) -> str:
    """<picture>, <source> and <img> as HTML, every attribute escaped (ElementTree's html method leaves '<')."""
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in element.attrib.items())
    inner = "".join(map(element_html, element))
    return f"<{element.tag}{attributes}>" + (f"{inner}</{element.tag}>" if element.tag == "picture" else "")


class PictureTreeprocessor(Treeprocessor):
    """Markdown's <img> of a picture in content/images/ → <picture> with its sizes and formats.

    Runs after links are rewritten (content._LinkRewriter), which reports a missing picture or
    missing alt text; an <img> whose src is not one of ours is left as it is."""

    def __init__(self, md: Markdown, links: LinkTargets | None) -> None:
        super().__init__(md)
        self.links = links

    def run(self, root: ET.Element) -> ET.Element:
        if self.links is None or not self.links.pictures or root.find(".//img") is None:
            return root   # most bodies: no walk through the tree in Python
        pictures, base = self.links.pictures, self.links.base_path
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                picture = pictures.get(child.get("src", "")[len(base):]) if child.tag == "img" else None
                if picture is None:
                    continue
                replacement = picture_element(picture, child.get("alt", ""), base)
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)
        return root


# ---- A tip's hero picture (front matter `hero:` and `hero_alt:`) ----

def read_hero(meta: YamlMap, display: str, doc_path: str, pictures: dict[str, Picture], base_path: str) -> tuple[str, list[Problem]]:
    """The hero's HTML ("" without one) and any problem with it, at the front matter's line."""
    written, alt = meta.get("hero"), meta.get("hero_alt")
    if written is None:
        if alt is not None:
            return "", [problem(display, meta.line_of("hero_alt"), "'hero_alt' describes a hero picture, "
                                "but there is no 'hero'", "Add hero: ../images/NAME, or remove hero_alt.")]
        return "", []
    line = meta.line_of("hero")
    if not isinstance(written, str) or not written.strip():
        return "", [problem(display, line, "'hero' must name a picture, e.g. hero: ../images/stretch.svg")]
    source = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), written.strip()))
    picture = pictures.get(source)
    if picture is None:
        return "", [problem(display, line, f"The hero picture '{written}' doesn't exist",
                            "Put it in content/images/ and write hero: ../images/NAME.")]
    if not isinstance(alt, str) or not alt.strip():
        return "", [problem(display, meta.line_of("hero_alt") if "hero_alt" in meta else line, f"The hero picture '{written}' has no "
                            "description (hero_alt)", "Add hero_alt: and say what the picture shows; "
                            f"write hero_alt: {DECORATIVE} if it only decorates the page.")]
    return hero_html(picture, alt.strip(), base_path), []


def with_hero(tip: Tip | None, doc: Document, pictures: dict[str, Picture],
              base_path: str) -> tuple[Tip | None, list[Problem]]:
    """The tip with its hero picture's HTML; (tip or None, problems)."""
    if tip is None:
        return None, []
    html, problems = read_hero(doc.meta, doc.display, doc.path, pictures, base_path)
    return (dataclasses.replace(tip, hero_html=html) if html else tip), problems

