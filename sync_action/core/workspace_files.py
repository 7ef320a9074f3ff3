"""Files the action leaves in the workspace, owned by whoever owns the workspace.

A Docker action runs as root while the runner's user (uid 1001 on hosted runners)
owns the workspace. A root-owned report, or a root-owned folder around it, would
be readable but not removable by that user in later steps (`actions/checkout`'s
clean, a cache), so what the action creates gets the workspace's owner.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_text(workspace: Path, target: Path, text: str) -> None:
    """Write `target` (inside `workspace`), creating its folders, owned like the workspace."""
    created = [p for p in (target, *target.parents) if not p.exists() and workspace in p.parents]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    _give_to_owner(workspace, created)


def _give_to_owner(workspace: Path, paths: list[Path]) -> None:
    if os.geteuid() != 0:
        return  # only root can give a file away, and only root makes them foreign
    owner = workspace.stat()
    if owner.st_uid == 0 and owner.st_gid == 0:
        return
    for path in paths:
        os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
