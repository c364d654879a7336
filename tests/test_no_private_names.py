"""No module of Signpost touches another library's private names (issue 15 §2).

A name starting with '_' in jinja2, markdown, yaml, tornado, watchfiles, nh3 … is the library's
own business: a patch release may rename or remove it, and then the build or the preview breaks
silently. Read from each module's syntax tree (plus its classes' real bases), this finds:
- imports of private modules or names: `from markdown.treeprocessors import _x`, `import tornado._y`;
- attributes read or set through a library's module or class: `markdown.util._x`, `Server._tasks`;
- in a class built on a library's class: its private attributes used through `self` (`self._log`,
  `self._connections`) unless the class sets them itself, and overrides of its private methods,
  name-mangled ones included (`_InlineProcessor__handleInline`).
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.sitekit import ROOT


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_library(module: str | None) -> bool:
    """A third-party module: not ours (signpost, a relative import) and not Python's own."""
    top = (module or "").split(".")[0]
    return bool(top) and top != "signpost" and top not in sys.stdlib_module_names


@dataclass(frozen=True)
class Touch:
    """One place a module reaches into a library's private parts."""

    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def library_names(tree: ast.Module) -> dict[str, str]:
    """Local name → the library module it comes from, for every import of a library."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_library(alias.name):
                    names[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and is_library(node.module):
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
    return names


def private_imports(tree: ast.Module, file: str) -> list[Touch]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Touch(file, node.lineno, f"imports the private module {alias.name}")
                      for alias in node.names if is_library(alias.name)
                      and any(is_private(part) for part in alias.name.split("."))]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and is_library(node.module):
            if any(is_private(part) for part in node.module.split(".")):
                found.append(Touch(file, node.lineno, f"imports from the private module {node.module}"))
            found += [Touch(file, node.lineno, f"imports the private name {alias.name} from {node.module}")
                      for alias in node.names if is_private(alias.name)]
    return found


def root_name(node: ast.expr) -> str | None:
    """`a` of `a.b.c`: the name an attribute chain starts from."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def private_attributes_of_libraries(tree: ast.Module, file: str) -> list[Touch]:
    libraries = library_names(tree)
    return [Touch(file, node.lineno, f"uses the private name {node.attr} of {libraries[root_name(node)]}")
            for node in ast.walk(tree) if isinstance(node, ast.Attribute) and is_private(node.attr)
            and root_name(node) in libraries]


def library_bases(cls: type) -> list[type]:
    """The classes `cls` is built on that belong to a library."""
    return [base for base in cls.__mro__[1:] if is_library(base.__module__)]


def set_by_the_class(node: ast.ClassDef) -> set[str]:
    """Attributes the class itself defines or assigns through `self`."""
    own = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for child in ast.walk(node):
        targets = child.targets if isinstance(child, ast.Assign) else [child.target] if isinstance(
            child, (ast.AnnAssign, ast.AugAssign)) else []
        own |= {t.attr for t in targets if isinstance(t, ast.Attribute) and root_name(t) == "self"}
    return own


def private_parts_of_base_classes(tree: ast.Module, module, file: str) -> list[Touch]:
    found = []
    for node in ast.walk(tree):
        cls = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
        bases = library_bases(cls) if isinstance(cls, type) else []
        if not bases:
            continue
        names = ", ".join(base.__name__ for base in bases)
        own = set_by_the_class(node)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(item.name) and (
                    any(hasattr(base, item.name) for base in bases)
                    or any(item.name.startswith(f"_{base.__name__}__") for base in bases)):
                found.append(Touch(file, item.lineno, f"{node.name} overrides the private method {item.name} "
                                                      f"of {names}"))
        for child in ast.walk(node):
            if (isinstance(child, ast.Attribute) and root_name(child) == "self" and is_private(child.attr)
                    and (child.attr not in own or any(hasattr(base, child.attr) for base in bases))):
                found.append(Touch(file, child.lineno, f"{node.name} uses self.{child.attr}, a private part of "
                                                       f"{names}"))
    return found


def touches(file: Path, module_name: str, shown: str) -> list[Touch]:
    """Every place in one module that reaches into a library's private names."""
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    module = (importlib.import_module(module_name) if file.is_relative_to(ROOT / "signpost")
              else import_file(file, module_name))
    return (private_imports(tree, shown) + private_attributes_of_libraries(tree, shown)
            + private_parts_of_base_classes(tree, module, shown))


def import_file(file: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_module_touches_a_library_s_private_names():
    found = []
    for file in sorted((ROOT / "signpost").rglob("*.py")):
        relative = file.relative_to(ROOT)
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        found += touches(file, name, relative.as_posix())
    assert not found, ("Signpost must use only the public API of the libraries it uses: a private name "
                       "(starting with '_') can change in any release and break the build silently. "
                       "Found:\n" + "\n".join(map(str, found)))


PATCHES = '''
import markdown
import tornado._locale_data
from markdown.util import Registry, _PriorityItem
from tornado.httpserver import HTTPServer
from tornado.web import RequestHandler

SEEN = markdown.util._PriorityItem

class Quick(markdown.treeprocessors.InlineProcessor):
    def _InlineProcessor__handleInline(self, data, index=0):
        return self._InlineProcessor__applyPattern(data)

class Capped(HTTPServer):
    def handle_stream(self, stream, address):
        return len(self._connections)

class Quiet(RequestHandler):
    def _log(self):
        pass

class Ours(RequestHandler):
    def prepare(self):
        self._mine = 1          # the class's own: allowed
        return self._mine
'''


def test_the_check_finds_each_kind_of_reaching_in(tmp_path):
    # The patches Signpost had (markdown's __handleInline, Tornado's _connections and _log), and more.
    file = tmp_path / "patches.py"
    file.write_text(PATCHES, encoding="utf-8")
    found = [str(t) for t in touches(file, "patches_under_test", "patches.py")]
    assert found == [
        "patches.py:3: imports the private module tornado._locale_data",
        "patches.py:4: imports the private name _PriorityItem from markdown.util",
        "patches.py:8: uses the private name _PriorityItem of markdown",
        ("patches.py:11: Quick overrides the private method _InlineProcessor__handleInline of InlineProcessor, "
        "Treeprocessor, Processor"),
        ("patches.py:12: Quick uses self._InlineProcessor__applyPattern, a private part of InlineProcessor, "
        "Treeprocessor, Processor"),
        ("patches.py:16: Capped uses self._connections, a private part of HTTPServer, TCPServer, Configurable, "
        "HTTPServerConnectionDelegate"),
        "patches.py:19: Quiet overrides the private method _log of RequestHandler",
    ], found
