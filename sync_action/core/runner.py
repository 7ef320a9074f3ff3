"""Talking to the Actions runner: workflow commands, outputs and the step summary.

Everything written goes through `redact`, so a secret cannot leak even through
an error text a library built. Off the runner (a terminal), the same calls
print plain `error:`/`warning:` lines instead of workflow commands.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Runner:
    """Output for one run; `on_runner` picks workflow commands or plain text."""

    def __init__(
        self,
        *,
        on_runner: bool,
        output_file: Path | None = None,
        summary_file: Path | None = None,
        secrets: Sequence[str] = (),
        out: TextIO | None = None,
        err: TextIO | None = None,
    ):
        self.on_runner = on_runner
        self.output_file = output_file
        self.summary_file = summary_file
        self.secrets: list[str] = []
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str) -> None:
        """Hide a secret from the runner's log and from everything this object writes."""
        for piece in [secret.strip(), *(line.strip() for line in secret.splitlines())]:
            if len(piece) < 4 or piece in self.secrets:
                continue
            self.secrets.append(piece)
            # A workflow command is one line: a multi-line secret is masked line by line,
            # or everything after its first line would reach the log unmasked.
            if self.on_runner and "\n" not in piece:
                self._write(self.out, f"::add-mask::{piece}")
        self.secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def _write(self, stream: TextIO, line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    def log(self, text: str) -> None:
        self._write(self.out, self.redact(text))

    def command(self, name: str, message: str, **props: str | int | None) -> None:
        """`::name k=v,...::message`, or `name: message` in a terminal."""
        message = self.redact(message)
        if not self.on_runner:
            where = f"{props['file']}:{props['line']}" if props.get("line") else ""
            where = "" if message.startswith(str(props.get("file"))) else where
            prefix = f"{name}: {where}: " if where else f"{name}: "
            stream = self.err if name in ("error", "warning") else self.out
            self._write(stream, prefix + message)
            return
        fields = ",".join(
            f"{key}={escape_property(self.redact(str(value)))}"
            for key, value in props.items()
            if value not in (None, "")
        )
        self._write(self.out, f"::{name}{' ' + fields if fields else ''}::{escape_data(message)}")

    def error(
        self, message: str, *, title: str = "", file: str | None = None, line: int | None = None
    ) -> None:
        self.command("error", message, title=title, file=file, line=line)

    def warning(
        self, message: str, *, title: str = "", file: str | None = None, line: int | None = None
    ) -> None:
        self.command("warning", message, title=title, file=file, line=line)

    def notice(self, message: str, *, title: str = "") -> None:
        self.command("notice", message, title=title)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        if self.on_runner:
            self._write(self.out, f"::group::{escape_data(self.redact(title))}")
        else:
            self._write(self.out, f"== {self.redact(title)}")
        try:
            yield
        finally:
            if self.on_runner:
                self._write(self.out, "::endgroup::")

    def set_output(self, name: str, value: str) -> None:
        """Append to GITHUB_OUTPUT, always in the `name<<DELIMITER` form multi-line needs."""
        if self.output_file is None:
            return
        value = self.redact(value)
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        with self.output_file.open("a", encoding="utf-8") as handle:
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")

    def set_outputs(self, outputs: dict[str, str]) -> None:
        for name, value in outputs.items():
            self.set_output(name, value)

    def add_summary(self, markdown: str) -> None:
        """Append to GITHUB_STEP_SUMMARY; an unwritable summary only warns."""
        if self.summary_file is None:
            return
        try:
            with self.summary_file.open("a", encoding="utf-8") as handle:
                handle.write(self.redact(markdown) + "\n")
        except OSError as exc:
            self.warning(f"Could not write the step summary: {exc.strerror}")
