"""YAML loading that remembers where each value came from, so errors can name file:line."""
from __future__ import annotations

from pathlib import Path

import yaml


class SourceMap(dict):
    """A mapping that knows its file, its own line, and the line of each key."""
    file: str = ""
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        """The line where `key` was written, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class SourceList(list):
    """A list that knows its file, its own line, and the line of each element."""
    file: str = ""
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        """The line of element `index`, else the list's own line."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class PackYAMLError(Exception):
    """A YAML file that cannot be read, with the place to look."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def _loader_for(file: str):
    class Loader(yaml.SafeLoader):
        """SafeLoader whose containers carry line numbers."""

    def construct_mapping(loader, node):
        loader.flatten_mapping(node)
        result = SourceMap()
        result.file, result.line, result.key_lines = file, node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise PackYAMLError(file, key_node.start_mark.line + 1, "a key must be plain text")
            if key in result:
                raise PackYAMLError(file, key_node.start_mark.line + 1,
                                    f"key '{key}' appears twice in the same block; keep one")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader, node):
        result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
        result.file, result.line = file, node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_str(loader, node):
        # Dates and yes/no must stay text: authors write "2024-01-01" or "no" in prose.
        return loader.construct_scalar(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_str)
    Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool_strictly)
    return Loader


def _construct_bool_strictly(loader, node):
    """Only true/false are booleans; 'yes', 'no', 'on', 'off' stay text (Norway problem)."""
    value = loader.construct_scalar(node)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def load_yaml(path: Path, display_name: str | None = None):
    """Load one YAML file, raising PackYAMLError with file:line on any syntax problem."""
    name = display_name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackYAMLError(name, 1, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    except OSError as exc:
        raise PackYAMLError(name, 1, f"cannot read the file: {exc.strerror}") from exc
    tabbed = next((i for i, line in enumerate(text.splitlines(), 1) if line.startswith("\t")), None)
    if tabbed is not None:
        raise PackYAMLError(name, tabbed, "a line starts with a tab; indent with spaces")
    try:
        return yaml.load(text, Loader=_loader_for(name))  # noqa: S506 - SafeLoader subclass
    except PackYAMLError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "the YAML cannot be read"
        raise PackYAMLError(name, line, f"YAML syntax: {problem}; check indentation, colons and quotes") from exc
    except yaml.YAMLError as exc:
        raise PackYAMLError(name, 1, f"YAML syntax: {exc}") from exc
