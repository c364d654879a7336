"""Safe YAML reading that remembers line numbers and turns PyYAML's traps into plain problems.

Used by site.yml, tip front matter and quiz files alike, so every YAML mistake reads the same.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re

import yaml

from .problems import Problem, problem


class YamlMap(dict):
    """A mapping that knows the line of each key (1-based, in the whole file)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A sequence that knows the line of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class AsWritten:
    """A number that remembers how it was written: str() gives the editor's text back ('1.10' stays
    '1.10'). Mixed into int and float below."""

    text: str

    def __new__(cls, value, text: str):
        number = super().__new__(cls, value)  # type: ignore[call-arg]  # int's or float's, after this mixin
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __reduce__(self):  # pickled with its text (the body cache keeps front matter)
        return type(self), (self.real, self.text)


class WrittenInt(AsWritten, int):
    """A whole number as written."""


class WrittenFloat(AsWritten, float):
    """A decimal number as written."""


# YAML 1.1 reads 02071234567 as octal (283457911), 5:2 as base 60 (302), 0b1010 and 0x1F as
# binary and hex, 1_000 as 1000. Only plain decimals are numbers here (YAML 1.2's core schema,
# minus leading zeros, which a phone number has); everything else stays text as written.
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _make_loader_class(base):
    """A safe loader variant with YAML 1.2 booleans and plain decimal numbers that keep their text."""

    class Loader(base):
        pass

    # PyYAML follows YAML 1.1, where unquoted yes/no/on/off become booleans: an answer
    # labelled No would silently turn into False. Only true/false are booleans here; the
    # field readers below explain when a yes/no was probably meant as true/false.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
    Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
    return Loader


class _LineAware:
    """Line-aware containers and no duplicate keys, for either parser below."""

    def __init__(self, stream, path: str, first_line: int):
        super().__init__(stream)  # type: ignore[call-arg]  # the loader's, after this mixin
        self.path = path
        self.first_line = first_line
        self.problems: list[Problem] = []

    def file_line(self, node) -> int:
        return node.start_mark.line + self.first_line

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)
        self.flatten_mapping(node)
        result = YamlMap()
        result.line = self.file_line(node)
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool, dt.date)) or key is None:
                self.problems.append(problem(self.path, self.file_line(key_node), "This key is not plain text."))
                continue
            if key in result:
                self.problems.append(problem(
                    self.path, self.file_line(key_node),
                    f"'{key}' appears twice in the same block (first on line {result.key_lines[key]})",
                    "Keep one of them; YAML would silently use the last.",
                ))
                continue
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = self.file_line(key_node)
        return result

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if node.style == '"':  # only double quotes turn backslash codes (\x00, \e, \ud800) into characters
            self.check_unescaped(value, node)
        return value

    def check_unescaped(self, value: str, node) -> None:
        """The reader refuses control characters typed into the file; refuse them made by escapes too."""
        refused = yaml.reader.Reader.NON_PRINTABLE.search(value)
        if refused:
            self.problems.append(problem(
                self.path, self.file_line(node), "A backslash code in this quoted text makes a character that "
                f"isn't allowed (U+{ord(refused.group()):04X})",
                "Delete the code (such as \\x00, \\e or \\u…); to write a backslash itself, write \\\\."))

    def construct_written_int(self, node):
        return WrittenInt(self.construct_yaml_int(node), node.value)

    def construct_written_float(self, node):
        return WrittenFloat(self.construct_yaml_float(node), node.value)

    def construct_sequence(self, node, deep=False):
        result = YamlList(self.construct_object(child, deep=True) for child in node.value)
        result.line = self.file_line(node)
        result.item_lines = [self.file_line(child) for child in node.value]
        return result


class _LineLoader(_LineAware, _make_loader_class(yaml.SafeLoader)):  # type: ignore[misc]  # made at import
    """PyYAML's own parser: slower, but its messages say exactly what is wrong and where."""

    def compose_node(self, parent, index):
        # Aliases let a few lines expand into gigabytes ("billion laughs"); editors never need them.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "found an alias (*name); anchors and aliases are not supported", event.start_mark
            )
        return super().compose_node(parent, index)


class _FastLineLoader(_LineAware, _make_loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))):  # type: ignore[misc]
    """libyaml's C parser: about 9 times faster (1,000 tips' front matter: 0.97 s → 0.11 s).
    Any error, or an alias, sends the text to _LineLoader for the plain-language message."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:  # an alias: seen before
            raise yaml.constructor.ConstructorError(None, None, "alias", node.start_mark)
        return super().construct_object(node, deep)


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _LineAware.construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _LineAware.construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:int", _LineAware.construct_written_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _LineAware.construct_written_float)

_HINTS = [
    ("'\\t'", "Indent with spaces, not tabs."),
    ("mapping values are not allowed", "A value that contains ': ' needs quotes around it."),
    ("could not find expected ':'", "Each line should look like 'key: value'; check the line above too."),
    ("found character '@'", "A value that starts with @ or ` needs quotes around it."),
    ("found undefined tag", "Remove the '!' at the start of the value, or put the value in quotes."),
    ("alias", "Write the value out in full instead of using & and *."),
    ("expected <block end>", "Check the indentation: items at the same level must line up."),
    ("expected ',' or ']'", "A value that starts with [ is a list and needs a closing ]; put other text in quotes."),
    ("expected ',' or '}'", "A value that starts with { needs a closing }; put other text in quotes."),
    ("while scanning a quoted scalar", "A quote was opened and never closed."),
]


def _yaml_error_problem(error: yaml.YAMLError, path: str, first_line: int) -> Problem:
    """Explain a PyYAML error in plain words, with the line in the whole file."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + first_line if mark else first_line
    what = getattr(error, "problem", None) or str(error)
    hint = next((h for needle, h in _HINTS if needle in str(error)), "")
    return problem(path, line, f"This YAML could not be read: {what}", hint)


def _reader_error_problem(error, text: str, path: str, first_line: int) -> Problem:
    """A control character YAML refuses (often pasted from another program), with its line."""
    line = text.count("\n", 0, error.position) + first_line
    return problem(path, line, f"This YAML contains an invisible character (U+{error.character:04X}) "
                   "that isn't allowed", "Delete it: retype the line, or paste it again as plain text.")


def load_yaml(text: str, path, first_line: int = 1):
    """Parse one YAML document; return (data, problems). data is None when unreadable."""
    loader = _FastLineLoader(text, str(path), first_line)
    try:
        return loader.get_single_data(), loader.problems
    except Exception:  # noqa: BLE001 - any trouble at all: the careful parser explains it below
        pass
    finally:
        loader.dispose()
    return _load_yaml_carefully(text, path, first_line)


def _load_yaml_carefully(text: str, path, first_line: int):
    """Parse with PyYAML's pure-Python parser, turning each kind of failure into a Problem."""
    try:
        loader = _LineLoader(text, str(path), first_line)  # reads the text at once: may refuse a character
    except yaml.reader.ReaderError as error:
        return None, [_reader_error_problem(error, text, str(path), first_line)]
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        return None, [_yaml_error_problem(error, str(path), first_line)]
    except (ValueError, OverflowError) as error:  # e.g. an impossible date such as 2026-02-30
        return None, [problem(path, first_line, f"This YAML could not be read: {error}")]
    except RecursionError:  # thousands of [ or { inside each other
        return None, [problem(path, first_line, "This YAML could not be read: it is nested too deeply",
                              "Look for a long run of [ or { brackets.")]
    finally:
        loader.dispose()
    return data, loader.problems


# ---- Reading typed fields out of a YamlMap, collecting problems instead of raising ----

_YES_NO = {"yes", "no", "on", "off", "y", "n"}
_NUMBER_LIKE = re.compile(r"[-+]?0[0-9_]+$|[-+]?0[bxo][0-9a-fA-F_]+$|[-+]?[0-9][0-9_]*(?::[0-9_]+)+$|[-+]?[0-9]+_[0-9_]+$")


def double_quoted(text: str) -> str:
    """Printable text as a YAML double-quoted string, which reads back as exactly that text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest(word: str, choices) -> str:
    """'Did you mean …?' for a near miss, or ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else ""


def check_keys(data: YamlMap, known, path, problems: list, where: str = "") -> None:
    """Report keys that are not in `known`, suggesting the nearest one."""
    for key in data:
        if key not in known:
            hint = suggest(key, known) or "Allowed keys: " + ", ".join(sorted(known)) + "."
            problems.append(problem(path, data.line_of(key), f"Unknown key '{key}'{where}", hint))


def _missing(data, key, path, problems, where=""):
    problems.append(problem(path, data.line, f"'{key}' is missing{where}", f"Add a line '{key}: …'."))


def read_text(data: YamlMap, key, path, problems, required=False, default="", where=""):
    """A non-empty piece of text."""
    if key not in data or data[key] is None:
        if required:
            _missing(data, key, path, problems, where)
        return default
    value = data[key]
    if isinstance(value, bool):
        problems.append(problem(path, data.line_of(key), f"'{key}' must be text, got {str(value).lower()}",
                                "Put the value in quotes."))
        return default
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    if not isinstance(value, str):
        problems.append(problem(path, data.line_of(key), f"'{key}' must be a single piece of text"))
        return default
    if required and not value.strip():
        _missing(data, key, path, problems, where)
    return value.strip()


def read_bool(data: YamlMap, key, path, problems, default=False):
    """true or false; yes/no get a hint rather than a silent guess."""
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    hint = "Write true or false." if str(value).lower() in _YES_NO else "Write true or false (no quotes)."
    problems.append(problem(path, data.line_of(key), f"'{key}' must be true or false, got '{value}'", hint))
    return default


def read_date(data: YamlMap, key, path, problems, required=False):
    """A calendar date written as 2026-05-01."""
    if key not in data or data[key] is None:
        if required:
            _missing(data, key, path, problems)
        return None
    value = data[key]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.append(problem(path, data.line_of(key), f"'{key}' must be a date like 2026-05-01, got '{value}'",
                            "Write the year, month and day as numbers: YYYY-MM-DD."))
    return None


def read_int(data: YamlMap, key, path, problems, default=0, minimum=None):
    """A whole number."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        hint = "Write it as plain digits, like 12: no leading zero, and no _, : or 0x." if _NUMBER_LIKE.match(str(value)) else ""
        problems.append(problem(path, data.line_of(key), f"'{key}' must be a whole number, got '{value}'", hint))
        return default
    if minimum is not None and value < minimum:
        problems.append(problem(path, data.line_of(key), f"'{key}' must be at least {minimum}, got {value}"))
        return default
    return int(value)


def read_text_list(data: YamlMap, key, path, problems):
    """A list of short texts; a single text is accepted as a list of one."""
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        problems.append(problem(path, data.line_of(key), f"'{key}' must be a list of words or phrases",
                                f"Write it like: {key}: [running, stretching]"))
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())
