"""Reading the YAML files people edit (meeting files, house styles): safely and strictly.

- Safe YAML only: no tags that build Python objects.
- Dates stay text, so a bad date is reported by its key by the schema, not as a crash.
- A key given twice in one mapping is an error naming both lines: YAML parsers
  otherwise keep the last one silently, and a paper would report the wrong period.
- Every problem names the file and the line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problem, ReportgenError


class _Strict:
    """Safe loading without timestamps, remembering where each key was and refusing a repeat."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []  # (key, first line, repeated line)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                try:
                    key = self.construct_object(key_node, deep=True)
                    hash(key)
                except (TypeError, yaml.constructor.ConstructorError):
                    continue  # the base class reports an unhashable key in its own words
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append((str(key), seen[key], line))
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)


class StrictLoader(_Strict, yaml.SafeLoader):
    """The pure-Python parser: its messages for broken YAML are the ones reportgen shows."""


# libyaml parses six times faster; a file it refuses is parsed again by StrictLoader for the message.
FastLoader = type("FastLoader", (_Strict, yaml.CSafeLoader), {}) if yaml.__with_libyaml__ else StrictLoader

_NO_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.yaml_implicit_resolvers = FastLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS


def _load(loader_class, text: str) -> tuple[object, list[tuple[str, int, int]]]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def parse_yaml(text: str, shown: str, error: type[ReportgenError] = ReportgenError) -> object:
    """The YAML document in ``text``; raises ``error`` naming ``shown`` and the line."""
    try:
        data, duplicates = _load(FastLoader, text)
    except yaml.YAMLError:
        try:
            data, duplicates = _load(StrictLoader, text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            row = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise error([Problem(shown, f"not valid YAML: {problem}", row=row)]) from None
    if duplicates:
        raise error([Problem(shown, f"key '{key}' is given twice, on lines {first} and {again}; "
                                    "keep one (YAML would silently use the last)", row=again)
                     for key, first, again in duplicates])
    return data


def read_yaml_mapping(path: Path, shown: str, error: type[ReportgenError] = ReportgenError,
                      what: str = "keys") -> dict:
    """A YAML file that must hold a mapping; every problem raised as ``error``."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error([Problem(shown, "is not UTF-8 text; save it as UTF-8")]) from None
    data = parse_yaml(text, shown, error)
    if not isinstance(data, dict):
        raise error([Problem(shown, f"should hold {what}, but it is empty or a single value")])
    return data
