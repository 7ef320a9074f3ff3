"""Safe loading of a spec file, its metadata, and its validation.

PyYAML's C loader does the parsing; this module adds what PyYAML lacks for a
file that decides whether two repositories agree: duplicate keys are refused
(PyYAML silently keeps the last one, which would hide drift), alias bombs and
absurd nesting are refused, dates stay ISO-8601 text so reports are JSON, and
every error names the YAML path and line.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from sync_action.errors import SpecError

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # keys and values after expanding aliases; 1,000 x 20 tables: ~550,000
ID_PATTERNS = {"table": "tbl", "field": "fld"}
ID_LENGTH = 17
VERSION_KEYS = ("spec_version", "version")  # the legacy `version` counts when there is no other

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One reason a spec is invalid, placed at a YAML path and (when known) a line."""

    path: str
    message: str
    line: int | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
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

    def construct_yaml_timestamp(self, node: ScalarNode) -> str:  # type: ignore[override]
        value = super().construct_yaml_timestamp(node)
        text = value.isoformat()
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
                        "an alias refers to a collection that contains it (recursive data)",
                        node.start_mark.line + 1,
                    )
                if depth + self.heights.get(id(node), 0) >= MAX_DEPTH:
                    raise _Refusal(
                        f"aliases nest deeper than {MAX_DEPTH} levels", node.start_mark.line + 1
                    )
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
                f"aliases expand to more than {MAX_NODES:,} values (alias bomb)",
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
                    f"aliases expand to more than {MAX_NODES:,} values (alias bomb)",
                    node.start_mark.line + 1,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _Refusal(
                "an alias refers to a collection that contains it (recursive data)",
                node.start_mark.line + 1,
            )
        if depth > MAX_DEPTH:
            raise _Refusal(f"aliases nest deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
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


@dataclass(frozen=True)
class Spec:
    """A loaded spec: its bytes, data and the metadata reports show."""

    path: str
    raw: bytes
    data: dict[str, Any]
    version: str | None
    sha256: str = field(repr=False)
    blob_sha: str = field(repr=False)

    @property
    def is_airtable(self) -> bool:
        """Airtable specs have a top-level `tables` mapping; other files get a generic diff."""
        return isinstance(self.data.get("tables"), dict)

    @property
    def updated_at(self) -> str | None:
        value = self.data.get("updated_at")
        return None if value is None else str(value)

    @property
    def owner_repo(self) -> str | None:
        value = self.data.get("owner_repo")
        return None if value is None else str(value)

    @property
    def table_count(self) -> int | None:
        tables = self.data.get("tables")
        return len(tables) if isinstance(tables, dict) else None

    @property
    def field_count(self) -> int | None:
        tables = self.data.get("tables")
        if not isinstance(tables, dict):
            return None
        return sum(
            len(t["fields"])
            for t in tables.values()
            if isinstance(t, dict) and isinstance(t.get("fields"), dict)
        )

    def metadata(self) -> dict[str, Any]:
        """The report's description of one copy of the file."""
        return {
            "path": self.path,
            "hash": self.sha256,
            "version": self.version,
            "updated_at": self.updated_at,
            "owner_repo": self.owner_repo,
            "tables": self.table_count,
            "fields": self.field_count,
        }


def git_blob_sha(raw: bytes) -> str:
    """The SHA git (and the GitHub API) gives these bytes, so equality costs no download."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def normalize_version(version: str | None) -> str | None:
    """`v1.0.0` and `1.0.0` name the same version."""
    if version is None:
        return None
    return version[1:] if version.startswith("v") else version


def load_bytes(raw: bytes, path: str) -> Spec:
    """Parse bytes into a Spec, or raise SpecError naming the file, line and reason."""
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"{path}: the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} (5 MiB)",
            file=path,
        )
    text = _decode(raw, path)
    data, version = _parse(text, path)
    return Spec(
        path=path,
        raw=raw,
        data=data,
        version=version,
        sha256=hashlib.sha256(raw).hexdigest(),
        blob_sha=git_blob_sha(raw),
    )


def load_file(file: Path, display: str | None = None) -> Spec:
    """Read and parse a spec from disk."""
    name = display or str(file)
    try:
        if file.is_dir():
            raise SpecError(f"{name}: is a directory, not a file", file=name)
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"{name}: no such file", file=name) from None
    except OSError as exc:
        raise SpecError(f"{name}: cannot be read ({exc.strerror})", file=name) from None
    return load_bytes(raw, name)


def _decode(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"{path}:{line}: the file is not UTF-8 text (byte {exc.start})", file=path, line=line
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise SpecError(f"{path}:{line}: the file is binary (NUL byte)", file=path, line=line)
    return text.removeprefix("\ufeff")


def _parse(text: str, path: str) -> tuple[dict[str, Any], str | None]:
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


def _parse_text(text: str, path: str) -> tuple[dict[str, Any], str | None]:
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
    return data, _version(data, top)


def _top_scalars(root: Node | None) -> dict[str, str]:
    """Top-level scalars as written, so a numeric version keeps its text."""
    if not isinstance(root, MappingNode):
        return {}
    return {
        k.value: v.value
        for k, v in root.value
        if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)
    }


def _version(data: dict[str, Any], top: dict[str, str]) -> str | None:
    """The spec version as written: a YAML number counts as its text (`1.0` is "1.0").

    The text also replaces the number in the data, so that the diff sees `1.10`
    and `1.1` as two versions and `1.0` and `"1.0"` as one, as the report does.
    """
    for key in VERSION_KEYS:
        value = data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and key in top:
            data[key] = top[key]
    for key in VERSION_KEYS:
        if data.get(key) is not None:
            value = data[key]
            return value if isinstance(value, str) else str(value)
    return None


# --- positions ---------------------------------------------------------------


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


# --- validation --------------------------------------------------------------


@cache
def builtin_schema() -> dict[str, Any]:
    """The JSON Schema for Airtable specs shipped inside the package."""
    text = resources.files("sync_action").joinpath("schemas/airtable-spec.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


# The built-in schema as `fits_builtin_schema` transcribes it (sha256 of its canonical JSON).
# Editing the schema turns the fast path off until the transcription is checked again.
BUILTIN_SCHEMA_SHA256 = "59478c15d0a88c4a4831f61b1ad815990c0e0f48a87cf47dc0e759c51eb92969"
_FIELD_TYPE = re.compile(r"[a-z][a-z0-9_]*")


@cache
def _transcribed() -> bool:
    canonical = json.dumps(builtin_schema(), sort_keys=True).encode()
    return hashlib.sha256(canonical).hexdigest() == BUILTIN_SCHEMA_SHA256


def fits_builtin_schema(data: dict[str, Any]) -> bool:
    """True only when the built-in schema accepts `data`, decided without jsonschema.

    A transcription of schemas/airtable-spec.schema.json, some 20 times faster than
    jsonschema on a large spec. It may answer False where the schema would accept
    (jsonschema then decides, and words any problem); it never answers True where the
    schema would refuse.
    """
    if not _transcribed():
        return False
    if not all(_version_ok(data[k]) for k in VERSION_KEYS if k in data):
        return False
    if not (_text(data, "updated_at") and _text(data, "owner_repo")):
        return False
    environment = data.get("environment")
    if environment is not None:
        if not isinstance(environment, dict):
            return False
        for entry in environment.values():
            if not (
                isinstance(entry, dict)
                and _of(entry, "description", str, None)
                and _of(entry, "format", str, None)
                and _of(entry, "required", bool)
            ):
                return False
    tables = data.get("tables")
    if not isinstance(tables, dict) or not tables:
        return False
    for key, table in tables.items():
        if not (key and isinstance(table, dict) and isinstance(table.get("fields"), dict)):
            return False
        if not (
            _of(table, "id", str)
            and _text(table, "name")
            and _of(table, "description", str, None)
            and _of(table, "sync_direction", str)
        ):
            return False
        for name, entry in table["fields"].items():
            if not (name and isinstance(entry, dict) and _field_ok(entry)):
                return False
    return _deprecations_ok(data.get("deprecations"))


def _of(entry: dict[str, Any], key: str, kind: type, *nullable: None) -> bool:
    """`key` is absent, or of `kind` (`bool` only for booleans), or null when allowed."""
    if key not in entry:
        return True
    value = entry[key]
    if value is None:
        return bool(nullable)
    if kind is not bool and isinstance(value, bool):
        return False
    return isinstance(value, kind)


def _text(entry: dict[str, Any], key: str) -> bool:
    """Absent, or text of at least one character."""
    return key not in entry or (isinstance(entry[key], str) and len(entry[key]) > 0)


def _version_ok(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _field_ok(entry: dict[str, Any]) -> bool:
    kind = entry.get("type")
    return (
        isinstance(kind, str)
        and _FIELD_TYPE.fullmatch(kind) is not None
        and (kind != "link" or "link_table" in entry)
        and _of(entry, "id", str)
        and _text(entry, "name")
        and _of(entry, "required", bool)
        and _of(entry, "unique", bool)
        and _of(entry, "link_table", str)
        and _of(entry, "role", str)
        and _of(entry, "description", str, None)
    )


def _deprecations_ok(deprecations: Any) -> bool:
    if deprecations is None:
        return True
    if not isinstance(deprecations, dict):
        return False
    for section in ("tables", "fields"):
        entries = deprecations.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            return False
        for value in entries.values():
            if value is None or (isinstance(value, str) and value):
                continue
            if not (
                isinstance(value, dict)
                and _of(value, "replaced_by", str, None)
                and _of(value, "reason", str)
            ):
                return False
    return True


def validate(spec: Spec, schema: dict[str, Any] | None = None) -> None:
    """Raise SpecError listing every problem, each with its YAML path and line.

    With no user schema, Airtable specs are checked against the built-in schema
    plus the checks JSON Schema cannot express; other files only had to parse.
    """
    problems = list(find_problems(spec, schema))
    if problems:
        raise _invalid(spec, problems)


def find_problems(spec: Spec, schema: dict[str, Any] | None = None) -> list[Problem]:
    if schema is None and not spec.is_airtable:
        if "tables" in spec.data:
            schema = builtin_schema()
        else:
            return []
    if schema is None and fits_builtin_schema(spec.data):
        problems = []  # valid for sure, and jsonschema (slow to import and run) not needed
    else:
        problems = _schema_problems(spec.data, schema or builtin_schema())
    if schema is None and not problems:
        problems = _airtable_problems(spec.data)
    if problems:
        text = spec.raw.decode("utf-8", "replace")
        problems = [_with_line(text, spec.data, p) for p in problems]
    return problems


def _with_line(text: str, data: Any, problem: Problem) -> Problem:
    return Problem(problem.path, problem.message, line_of(text, _steps(data, problem.path)))


def _steps(data: Any, path: str) -> list[str | int]:
    """Split a dotted path into the keys it was made of, as the data has them.

    Keys may hold dots themselves (`deprecations.fields` entries are written
    `table.field`), so at each level the shortest run of parts that is a key wins.
    """
    parts = path.split(".") if path else []
    steps: list[str | int] = []
    node, i = data, 0
    while i < len(parts):
        if isinstance(node, dict):
            key = next(
                (k for j in range(i + 1, len(parts) + 1) if (k := ".".join(parts[i:j])) in node),
                None,
            )
            if key is None:
                break
            steps.append(key)
            node, i = node[key], i + key.count(".") + 1
        elif isinstance(node, list) and parts[i].isdigit() and int(parts[i]) < len(node):
            steps.append(int(parts[i]))
            node, i = node[int(parts[i])], i + 1
        else:
            break
    return steps + [int(p) if p.isdigit() else p for p in parts[i:]]


def _invalid(spec: Spec, problems: list[Problem]) -> SpecError:
    first = problems[0]
    lines = [p.render(spec.path) for p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"... and {len(problems) - 20} more")
    error = SpecError("\n".join(lines), file=spec.path, line=first.line)
    error.problems = problems  # type: ignore[attr-defined]
    return error


def _schema_problems(data: dict[str, Any], schema: dict[str, Any]) -> list[Problem]:
    from jsonschema import Draft202012Validator, validators

    cls = validators.validator_for(schema, default=Draft202012Validator)
    validator = cls(schema)
    if validator.is_valid(data):
        return []
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [Problem(dotted(e.absolute_path), _schema_message(e)) for e in errors]


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties" and error.absolute_path:
        return error.message.replace("Additional properties", "unknown keys")
    return str(error.message)


def _airtable_problems(data: dict[str, Any]) -> list[Problem]:
    """Ids unique and well formed, links and deprecations pointing at what exists."""
    tables: dict[str, Any] = data["tables"]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for tkey, table in tables.items():
        base = f"tables.{tkey}"
        problems += _id_problem(table.get("id"), "table", base, seen)
        for fkey, fdef in (table.get("fields") or {}).items():
            fpath = f"{base}.fields.{fkey}"
            problems += _id_problem(fdef.get("id"), "field", fpath, seen)
            link = fdef.get("link_table")
            if link is not None and link not in tables:
                problems.append(
                    Problem(f"{fpath}.link_table", f"link_table '{link}' names no table")
                )
    return problems + _deprecation_problems(data.get("deprecations"), tables)


def _id_problem(value: Any, kind: str, path: str, seen: dict[str, str]) -> list[Problem]:
    if value is None:
        return []
    prefix = ID_PATTERNS[kind]
    text = str(value)
    if not (
        len(text) == ID_LENGTH
        and text.startswith(prefix)
        and text[3:].isalnum()
        and text[3:].isascii()
    ):
        return [
            Problem(f"{path}.id", f"{kind} id '{text}' is not '{prefix}' + 14 letters or digits")
        ]
    if text in seen:
        return [Problem(f"{path}.id", f"id '{text}' is already used at {seen[text]}")]
    seen[text] = path
    return []


def deprecation_pairs(deprecations: Any) -> Iterator[tuple[str, str, str]]:
    """(section, old, new) for every entry; `new` may be a mapping's `replaced_by`."""
    if not isinstance(deprecations, dict):
        return
    for section in ("tables", "fields"):
        entries = deprecations.get(section)
        if not isinstance(entries, dict):
            continue
        for old, new in entries.items():
            if isinstance(new, dict):
                new = new.get("replaced_by")
            if new is not None:
                yield section, str(old), str(new)


def _deprecation_problems(deprecations: Any, tables: dict[str, Any]) -> list[Problem]:
    problems = []
    for section, old, new in deprecation_pairs(deprecations):
        path = f"deprecations.{section}.{old}"
        if section == "tables" and new not in tables:
            problems.append(
                Problem(path, f"deprecation points at table '{new}', which does not exist")
            )
        if section == "fields" and not _field_exists(old, new, tables):
            problems.append(
                Problem(path, f"deprecation points at field '{new}', which does not exist")
            )
    return problems


def _field_exists(old: str, new: str, tables: dict[str, Any]) -> bool:
    """Field entries are `table.old_key: new_key` (or `table.new_key`)."""
    table_key, _, _ = old.rpartition(".")
    new_table, _, new_field = new.rpartition(".")
    table_key = new_table or table_key
    fields = (tables.get(table_key) or {}).get("fields") or {}
    return new_field in fields
