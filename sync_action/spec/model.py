"""The spec model: one copy of the file, its bytes, data, metadata and version.

Parsing is `yaml_loader`'s job and checking `validation`'s; this module turns bytes
into a `Spec` and says what reports show about it.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sync_action.core.errors import SpecError
from sync_action.spec.yaml_loader import parse

MAX_BYTES = 5 * 1024 * 1024
VERSION_KEYS = ("spec_version", "version")  # the legacy `version` counts when there is no other


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
        raise SpecError(too_large(path, len(raw)), file=path)
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
        size = regular_file_size(file, name)
        if size > MAX_BYTES:
            raise SpecError(too_large(name, size), file=name)
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"{name}: no such file", file=name) from None
    except OSError as exc:
        raise SpecError(f"{name}: cannot be read ({exc.strerror})", file=name) from None
    return load_bytes(raw, name)


def regular_file_size(file: Path, name: str) -> int:
    """The size of a regular file; anything else (a directory, a FIFO, a device) is
    refused before it is opened, since reading a FIFO would wait forever."""
    info = file.stat()
    if stat.S_ISDIR(info.st_mode):
        raise SpecError(f"{name}: is a directory, not a file", file=name)
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(f"{name}: is not a regular file (a pipe, socket or device)", file=name)
    return info.st_size


def too_large(name: str, size: int) -> str:
    return f"{name}: the file is {size:,} bytes; the limit is {MAX_BYTES:,} (5 MiB)"


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
    data, top = parse(text, path)
    return data, _version(data, top)


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


@cache
def builtin_schema() -> dict[str, Any]:
    """The JSON Schema for Airtable specs shipped inside the package."""
    text = resources.files("sync_action").joinpath("schemas/airtable-spec.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
