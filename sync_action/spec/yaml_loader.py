"""A safe YAML builder for files that decide whether two repositories agree.

PyYAML's C loader does the parsing; this module adds what PyYAML lacks: duplicate
keys are refused (PyYAML silently keeps the last one, which would hide drift), alias
bombs and absurd nesting are refused, dates stay ISO-8601 text so reports are JSON,
and every error names the YAML path and line.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from sync_action.core.errors import SpecError

MAX_DEPTH = 64
MAX_NODES = 2_000_000  # keys and values after expanding aliases; 1,000 x 20 tables: ~550,000
# Each refusal worded once, whichever pass (sizing or building) meets it first.
ALIAS_BOMB = f"aliases expand to more than {MAX_NODES:,} values (alias bomb)"
RECURSIVE = "an alias refers to a collection that contains it (recursive data)"
TOO_DEEP_ALIASES = f"aliases nest deeper than {MAX_DEPTH} levels"

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml composes; `_Builder` constructs. PyYAML's own constructors serve the
    rare tags (`!!omap`, `!!pairs`) and the scalar conversions."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """Tag resolution runs a regex per scalar; specs repeat the same short
        scalars (keys, `false`, `string`), so remember the answers."""
        if kind is not ScalarNode or len(value) > RESOLVE_CACHE_LENGTH:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > RESOLVE_CACHE_SIZE:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag

    def construct_yaml_timestamp(self, node: ScalarNode) -> str:
        value = super().construct_yaml_timestamp(node)
        text: str = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


RESOLVE_CACHE_LENGTH = 32
RESOLVE_CACHE_SIZE = 100_000
_RESOLVED: dict[tuple[str, Any], str] = {}
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_METHODS = {
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:timestamp": "construct_yaml_timestamp",
}


class _Builder:
    """Plain data from composed nodes in one iterative pass.

    The pass is also the guard: keys are kept as written and a repeated key is
    refused (PyYAML would keep the last one and hide a difference), nesting is
    bounded, an alias into its own collection is refused, and the size that
    aliases expand to is counted so a "billion laughs" never reaches the diff.
    Aliased nodes are built once and shared, as PyYAML does.
    """

    def __init__(self, loader: _Loader):
        self.loader = loader
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.heights: dict[int, int] = {}
        self.open: set[int] = set()

    def build(self, root: Node) -> Any:
        out: list[Any] = [None]
        # (node, depth, container, key); container None marks "close node".
        stack: list[tuple[Node, int, Any, Any]] = [(root, 0, out, 0)]
        while stack:
            node, depth, container, slot = stack.pop()
            if container is None:
                self._close(node)
            elif isinstance(node, ScalarNode):
                container[slot] = self._scalar(node)
            elif id(node) in self.built:
                if id(node) in self.open:
                    raise _Refusal(
                        RECURSIVE,
                        node.start_mark.line + 1,
                    )
                if depth + self.heights.get(id(node), 0) >= MAX_DEPTH:
                    raise _Refusal(TOO_DEEP_ALIASES, node.start_mark.line + 1)
                container[slot] = self.built[id(node)]
            elif depth >= MAX_DEPTH:
                raise _Refusal(f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
            else:
                self.open.add(id(node))
                stack.append((node, depth, None, None))
                container[slot] = self.built[id(node)] = self._open(node, depth, stack)
        return out[0]

    def _open(self, node: Node, depth: int, stack: list[Any]) -> Any:
        """The empty container for `node`, its children queued to fill it."""
        if node.tag == _MAP and isinstance(node, MappingNode):
            mapping = dict.fromkeys(self._keys(node))
            pairs = node.value
            if len(mapping) != len(pairs):  # merge keys (`<<`) were flattened in
                pairs = list(dict(zip(self._keys(node, merged=True), pairs, strict=True)).items())
                mapping = dict.fromkeys(name for name, _ in pairs)
                stack.extend((v, depth + 1, mapping, k) for k, (_, v) in reversed(pairs))
            else:
                stack.extend((v, depth + 1, mapping, k.value) for k, v in reversed(pairs))
            return mapping
        if node.tag == _SEQ and isinstance(node, SequenceNode):
            items: list[Any] = [None] * len(node.value)
            stack.extend((v, depth + 1, items, i) for i, v in reversed(list(enumerate(node.value))))
            return items
        if node.tag == "tag:yaml.org,2002:set" and isinstance(node, MappingNode):
            return sorted(self._keys(node))
        self.sizes[id(node)] = _check_graph(node)
        return self.loader.construct_object(node, deep=True)

    def _close(self, node: Node) -> None:
        key = id(node)
        self.open.discard(key)
        if key in self.sizes:
            return
        if isinstance(node, MappingNode):
            values = [v for _, v in node.value]
            total = 1 + len(values) + sum(self.sizes.get(id(v), 1) for v in values)
        else:
            values = node.value
            total = 1 + sum(self.sizes.get(id(v), 1) for v in values)
        self.heights[key] = 1 + max((self.heights.get(id(v), 0) for v in values), default=0)
        if total > MAX_NODES:
            raise _Refusal(
                ALIAS_BOMB,
                node.start_mark.line + 1,
            )
        self.sizes[key] = total

    def _keys(self, node: MappingNode, merged: bool = False) -> list[str]:
        """Keys as written; a mapping with merge keys is flattened first."""
        if not merged and any(k.tag == _MERGE for k, _ in node.value):
            self._check_keys(node)
            self.sizes[id(node)] = _check_graph(node)
            self.loader.flatten_mapping(node)
            return self._keys(node, merged=True)
        if not merged:
            self._check_keys(node)
        return [key.value for key, _ in node.value]

    def _check_keys(self, node: MappingNode) -> None:
        seen: set[str] = set()
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                raise _Refusal("mapping keys must be plain scalars", key.start_mark.line + 1)
            if key.value in seen and key.tag != _MERGE:
                raise _Refusal(
                    f"duplicate key '{key.value}' (YAML keeps only the last one, "
                    "which would hide a difference)",
                    key.start_mark.line + 1,
                )
            seen.add(key.value)

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        method = _SCALAR_METHODS.get(node.tag)
        if method is None:
            if node.tag == "tag:yaml.org,2002:binary":
                return "".join(str(node.value).split())
            raise _Refusal(f"unknown tag {node.tag}", node.start_mark.line + 1)
        try:
            return getattr(self.loader, method)(node)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            tag = node.tag.rpartition(":")[2]
            raise _Refusal(
                f"cannot read {node.value!r} as {tag} ({exc})", node.start_mark.line + 1
            ) from None


class _Refusal(Exception):
    """A well-formed YAML document this loader will not take, at a line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


FLOW_SAFE = 20_000  # fewer brackets than this cannot nest deep enough to hurt libyaml


def _check_depth(text: str) -> None:
    """Refuse deep nesting from the event stream, before anything recurses over it.

    libyaml's parser keeps its state on the heap, but composing nodes recurses
    on the C stack: about 100,000 nested brackets (200 KB of text) crash the
    interpreter outright, which no exception handler can turn into an error.
    Only flow brackets nest that cheaply (block nesting needs quadratic
    indentation), so a text with few of them skips the event scan.
    """
    if text.count("[") + text.count("{") < FLOW_SAFE:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise _Refusal(f"nested deeper than {MAX_DEPTH} levels", line)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _check_graph(root: Node) -> int:
    """Refuse alias bombs, recursive aliases and aliases that nest too deep.

    Aliases share one node, so the composed graph is small even when its
    expansion is not; this walks it once (no recursion).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_NODES:
                raise _Refusal(
                    ALIAS_BOMB,
                    node.start_mark.line + 1,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _Refusal(
                RECURSIVE,
                node.start_mark.line + 1,
            )
        if depth > MAX_DEPTH:
            raise _Refusal(TOO_DEEP_ALIASES, node.start_mark.line + 1)
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, CollectionNode):
        return list(node.value)
    return []


def parse(text: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The document as plain data (a mapping) and its top-level scalars as written,
    or SpecError naming the file, line and reason."""
    with _gc_paused():
        return _parse_text(text, path)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building ~500,000 containers wakes the cyclic collector again and again,
    which costs twice the parse itself; spec data has no cycles (recursive
    aliases are refused), so collection waits until the data is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_text(text: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
    loader = _Loader(text)
    try:
        _check_depth(text)
        root = loader.get_single_node()
        data = None if root is None else _Builder(loader).build(root)
        top = _top_scalars(root)
    except _Refusal as exc:
        raise SpecError(f"{path}:{exc.line}: {exc.message}", file=path, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        where = f"{path}:{line}" if line else path
        if "maximum nesting depth" in reason:  # libyaml >= 0.2.6 has its own, higher limit
            raise SpecError(
                f"{where}: nested deeper than {MAX_DEPTH} levels", file=path, line=line
            ) from None
        raise SpecError(f"{where}: not valid YAML: {reason}", file=path, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise SpecError(
            f"{path}:{line}: not valid YAML: character {char} is not allowed ({exc.reason})",
            file=path,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}", file=path) from None
    except RecursionError:
        raise SpecError(f"{path}: nested too deeply", file=path) from None
    finally:
        loader.dispose()
    if data is None:
        raise SpecError(f"{path}: the document is empty", file=path, line=1)
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("str", "text").replace("list", "sequence")
        raise SpecError(f"{path}:1: the document must be a mapping, not {kind}", file=path, line=1)
    return data, top


def _top_scalars(root: Node | None) -> dict[str, str]:
    """Top-level scalars as written, so a numeric version keeps its text."""
    if not isinstance(root, MappingNode):
        return {}
    return {
        k.value: v.value
        for k, v in root.value
        if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)
    }


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of a YAML path; composed again only on the error path."""
    try:
        node: Node | None = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for step in path:
        if isinstance(node, MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(step)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def dotted(path: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in path)
