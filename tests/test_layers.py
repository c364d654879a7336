"""The import graph points one way: each module imports only from its own layer or the ones below."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "signpost"

# Lowest first. A module may import from its own layer and the layers above it in this list.
LAYERS = [
    ("plain values and helpers", {"problems", "project", "paths", "schema", "version", "parallel", "readability",
                                  "weight", "lock"}),
    ("YAML, HTML cleaning, the output folder", {"yamlfile", "sanitize", "write"}),
    ("the quiz engine", {"quiz.model", "quiz.score", "quiz.analyse", "quiz.export", "quiz.scenarios"}),
    ("the data model", {"model", "topics"}),
    ("reading sources", {"sources", "config", "signoff", "quiz.load", "pictures"}),
    ("Markdown → Tip and Page", {"content"}),
    ("what makes builds cheaper", {"bodies", "memo", "incremental"}),
    ("made beside the pages: web editor, host files, search index", {"admin", "hosting", "search"}),
    ("render", {"render"}),
    ("the order of work", {"pipeline"}),
    ("commands", {"check", "safety", "scaffold", "serve", "quiz.cli", "cli", "__main__"}),
]


def module_name(file: Path) -> str:
    """signpost/quiz/load.py → 'quiz.load'."""
    return ".".join(file.relative_to(PACKAGE).with_suffix("").parts)


def imported_modules(file: Path) -> set[str]:
    """The signpost modules a file imports, anywhere in it (also inside functions), by module_name."""
    here = module_name(file).split(".")[:-1]   # the file's package, below signpost
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:   # from .x / ..x import y
                parts = here[:len(here) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "signpost":
                parts = node.module.split(".")[1:]
            else:
                continue
            if PACKAGE.joinpath(*parts).is_dir():   # from signpost import yamlfile: the names are modules
                found |= {".".join(parts + [alias.name]) for alias in node.names}
            else:
                found.add(".".join(parts))
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".", 1)[1] for alias in node.names if alias.name.startswith("signpost.")}
    return found


def layer_of() -> dict[str, int]:
    return {module: index for index, (_, modules) in enumerate(LAYERS) for module in modules}


def package_modules() -> dict[str, Path]:
    return {module_name(file): file for file in PACKAGE.rglob("*.py") if file.name != "__init__.py"}


def test_every_module_has_a_layer():
    assert sorted(package_modules().keys() - layer_of().keys()) == [], "add the new module to LAYERS"
    assert sorted(layer_of().keys() - package_modules().keys()) == [], "remove the module that went from LAYERS"


def test_no_module_imports_from_a_layer_above_its_own():
    layers, upward = layer_of(), []
    for module, file in sorted(package_modules().items()):
        for imported in sorted(imported_modules(file)):
            if imported in layers and layers[imported] > layers[module]:
                upward.append(f"{module} ({LAYERS[layers[module]][0]}) imports {imported} "
                              f"({LAYERS[layers[imported]][0]})")
    assert upward == []


def test_the_reader_of_imports_sees_relative_absolute_and_late_imports():
    # The check above is only as good as this reader: it must not miss an edge.
    file = PACKAGE / "quiz" / "load.py"
    assert {"model", "problems", "yamlfile", "quiz.analyse", "quiz.model"} <= imported_modules(file)
    assert "quiz.load" in imported_modules(PACKAGE / "pipeline.py")       # imported inside a function
    assert "content" in imported_modules(PACKAGE / "quiz" / "cli.py")      # from ..content
