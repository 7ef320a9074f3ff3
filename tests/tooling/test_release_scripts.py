"""The release's scripts, run as release.yml and scripts/release-rehearsal run them.

Each script works on the repository it belongs to, so every test copies the files the
scripts read (and the scripts themselves) into a temporary git repository and runs them
there with real git: against bare repositories standing for GitHub, and once against the
local GitHub's git over HTTP, which checks the token the push sends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import git
from tests.localgithub.server import LocalGitHub

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "ghcr.io/strukt1/schema-sync-action"
SOURCE_FILES = (
    "pyproject.toml",
    "sync_action/__init__.py",
    "CHANGELOG.md",
    "action.yml",
    "scripts/release-action-yml",
    "scripts/release-check",
    "scripts/release-tags",
    "scripts/release-move-tags",
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.com",
    "GIT_COMMITTER_NAME": "Maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
TOKEN = "ghs_releasetoken0123456789abcdefABCDEF"


# --- helpers ----------------------------------------------------------------------------


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]


def source_tree(path: Path) -> Path:
    """A copy of what the release scripts read, as at a tagged source commit."""
    for rel in SOURCE_FILES:
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return path


def source_repo(path: Path, tags: list[str] | None = None) -> Path:
    """The source tree committed on main, with `tags` on successive commits."""
    source_tree(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "the source")
    for tag in tags or []:
        git(path, "commit", "-q", "--allow-empty", "-m", tag)
        git(path, "tag", tag)
    return path


def run(
    tree: Path, script: str, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run `tree`'s scripts/`script` from elsewhere; its result and its step outputs."""
    outputs = tree.parent / f"github-output-{script}"
    outputs.write_text("", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tree / "scripts" / script), *args],
        cwd=tree.parent,
        capture_output=True,
        text=True,
        check=False,
        env={**inherited(), "GITHUB_OUTPUT": str(outputs), **(env or {})},
    )
    return done, parse_outputs(outputs.read_text(encoding="utf-8"))


def inherited() -> dict[str, str]:
    """This environment without git identities or tokens: the scripts bring their own."""
    dropped = {*GIT_ENV, "GITHUB_TOKEN", "GITHUB_SERVER_URL", "GIT_CONFIG_COUNT"}
    return {k: v for k, v in os.environ.items() if k not in dropped} | {"GIT_CONFIG_NOSYSTEM": "1"}


def parse_outputs(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            found[name] = "\n".join(block)
        elif line:
            name, value = line.split("=", 1)
            found[name] = value
    return found


def changelog_entry(text: str, wanted: str) -> str:
    """The body of CHANGELOG.md's `## [wanted] - date` entry, stripped."""
    head = f"## [{wanted}] - "
    start = text.index("\n", text.index(head)) + 1
    ends = [i for i in (text.find("\n## ", start), text.find("\n[", start)) if i >= 0]
    return text[start : min(ends)].strip()


def released_remote(tmp_path: Path) -> tuple[Path, Path, str]:
    """(bare origin, runner checkout detached at vVERSION, the source commit)."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    work = source_repo(tmp_path / "work")
    git(work, "tag", "-a", f"v{version()}", "-m", "release")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main", f"v{version()}")
    runner = tmp_path / "runner"
    git(tmp_path, "clone", "-q", str(origin), str(runner))
    git(runner, "checkout", "-q", "--detach", f"v{version()}")  # as actions/checkout leaves it
    return origin, runner, git(work, "rev-parse", "HEAD")


# --- scripts/release-check --------------------------------------------------------------


def test_check_accepts_the_package_version_and_writes_the_notes(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    notes = tmp_path / "temp" / "release-notes.md"
    done, outputs = run(tree, "release-check", f"v{version()}", "--notes", str(notes))
    assert done.returncode == 0, done.stdout + done.stderr
    major, minor, _ = version().split(".")
    assert outputs == {
        "version": version(),
        "minor": f"{major}.{minor}",
        "major": major,
        "notes": str(notes),
    }
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert notes.read_text(encoding="utf-8") == changelog_entry(changelog, version()) + "\n"


def test_check_prints_the_notes_without_a_notes_file(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    done, _ = run(tree, "release-check", f"v{version()}")
    assert done.returncode == 0, done.stderr
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert done.stdout == changelog_entry(changelog, version()) + "\n"


def test_check_refuses_a_tag_that_is_not_the_package_version(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    notes = tmp_path / "release-notes.md"
    done, outputs = run(tree, "release-check", "v9.9.9", "--notes", str(notes))
    assert done.returncode == 2
    errors = done.stdout.splitlines()
    assert (
        f"::error title=Version mismatch::tag v9.9.9, but pyproject.toml has version {version()}"
        in errors
    )
    assert (
        "::error title=Version mismatch::tag v9.9.9, but sync_action/__init__.py"
        f" has __version__ {version()}" in errors
    )
    assert outputs == {}
    assert not notes.exists()


@pytest.mark.parametrize("tag", ["v1.0", "1.0.0", "v1.0.0-rc.1", "v01.0.0", "v1.0.0;true", ""])
def test_check_refuses_a_tag_that_is_not_vmajor_minor_patch(tmp_path: Path, tag: str) -> None:
    done, outputs = run(source_tree(tmp_path / "source"), "release-check", tag)
    assert done.returncode == 2
    assert done.stdout.startswith("::error title=Bad tag::")
    assert "vMAJOR.MINOR.PATCH" in done.stdout
    assert outputs == {}


def test_check_never_repeats_a_mention_or_a_line_break_from_the_tag(tmp_path: Path) -> None:
    done, _ = run(source_tree(tmp_path / "source"), "release-check", "v1@octocat\n::notice::x")
    assert done.returncode == 2
    assert "@" not in done.stdout
    assert len(done.stdout.splitlines()) == 1


def test_check_refuses_a_missing_changelog_entry(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    changelog = tree / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace(f"## [{version()}]", "## [0.0.1]"), encoding="utf-8")
    done, outputs = run(tree, "release-check", f"v{version()}")
    assert done.returncode == 2
    assert done.stdout == (
        "::error title=No changelog entry::"
        f"CHANGELOG.md has no entry '## [{version()}] - YYYY-MM-DD'\n"
    )
    assert outputs == {}


def test_check_refuses_an_empty_changelog_entry(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    changelog = tree / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    body = changelog_entry(text, version())
    changelog.write_text(text.replace(body, ""), encoding="utf-8")
    done, _ = run(tree, "release-check", f"v{version()}")
    assert done.returncode == 2
    assert "::error title=No changelog entry::" in done.stdout


def test_check_refuses_a_mismatched_init_version(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    (tree / "sync_action" / "__init__.py").write_text('__version__ = "0.0.1"\n', encoding="utf-8")
    done, _ = run(tree, "release-check", f"v{version()}")
    assert done.returncode == 2
    assert done.stdout == (
        f"::error title=Version mismatch::tag v{version()}, but sync_action/__init__.py"
        " has __version__ 0.0.1\n"
    )


def test_check_refuses_a_tag_on_a_release_commit(tmp_path: Path) -> None:
    tree = source_tree(tmp_path / "source")
    subprocess.run(
        [sys.executable, str(tree / "scripts" / "release-action-yml"), version(), "--in-place"],
        check=True,
    )
    done, _ = run(tree, "release-check", f"v{version()}")
    assert done.returncode == 2
    assert "::error title=Not a source commit::" in done.stdout


# --- scripts/release-tags ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "release", "moving"),
    [
        ([], "1.0.0", "v1.0.0 v1.0 v1"),
        (["v1.0.0"], "1.0.0", "v1.0.0 v1.0 v1"),
        (["v1.0.0", "v1.0.2", "v1.1.0", "v1.0.1"], "1.0.1", "v1.0.1"),
        (["v1.2.0", "v1.10.0"], "1.10.0", "v1.10.0 v1.10 v1"),
        (["v1.0.0", "v2.0.0", "v1.1.0"], "1.1.0", "v1.1.0 v1.1 v1"),
        (["v1.0.0", "v1", "v1.0", "v10.0.0", "v1.1.0-rc.1", "v1.1.0"], "1.1.0", "v1.1.0 v1.1 v1"),
    ],
)
def test_tags_move_a_line_only_for_its_newest_release(
    tmp_path: Path, existing: list[str], release: str, moving: str
) -> None:
    done, outputs = run(source_repo(tmp_path / "repo", existing), "release-tags", release)
    assert done.returncode == 0, done.stderr
    assert done.stdout == moving + "\n"
    assert outputs["git"] == moving


def test_a_patch_of_an_older_line_does_not_move_v1(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "repo", ["v1.0.0", "v1.1.0", "v1.0.1"])
    done, _ = run(repo, "release-tags", "1.0.1")
    assert done.stdout == "v1.0.1 v1.0\n"
    assert done.stderr == (
        "::notice title=Moving tag stays::"
        "v1.0.1 is not the newest v1 release (v1.1.0 is); v1 stays\n"
    )


def test_tags_name_the_image_of_each_moving_tag(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "repo", ["v1.0.0", "v1.1.0"])
    done, outputs = run(repo, "release-tags", "1.0.1", env={"IMAGE": "registry.test/x/y"})
    assert done.returncode == 0, done.stderr
    assert outputs["image"].splitlines() == ["registry.test/x/y:v1.0.1", "registry.test/x/y:v1.0"]


@pytest.mark.parametrize("release", ["1.0", "v1", "1.0.0-rc.1", "latest", ""])
def test_tags_refuse_a_version_that_is_not_major_minor_patch(tmp_path: Path, release: str) -> None:
    done, outputs = run(source_repo(tmp_path / "repo"), "release-tags", release)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "MAJOR.MINOR.PATCH" in done.stderr
    assert outputs == {}


# --- scripts/release-move-tags ----------------------------------------------------------


def test_move_tags_commits_on_a_detached_head_and_moves_the_tags(tmp_path: Path) -> None:
    origin, runner, source = released_remote(tmp_path)
    tags = f"v{version()} v{version().rsplit('.', 1)[0]} v{version().split('.')[0]}"
    done, outputs = run(runner, "release-move-tags", version(), tags)
    assert done.returncode == 0, done.stdout + done.stderr

    release = git(origin, "rev-parse", f"v{version()}^{{commit}}")
    assert outputs == {"commit": release}
    assert done.stdout == f"release-move-tags: moved {tags.replace(' ', ', ')} to {release}\n"
    for tag in tags.split():
        assert git(origin, "rev-parse", f"{tag}^{{commit}}") == release
        assert git(origin, "cat-file", "-t", tag) == "tag"  # annotated
    assert git(origin, "rev-parse", f"{release}^") == source
    assert git(origin, "rev-parse", "main") == source  # main is untouched
    assert git(origin, "branch", "--contains", release) == ""  # on no branch
    assert git(origin, "diff", "--name-only", source, release) == "action.yml"
    assert git(origin, "log", "-1", "--format=%an <%ae>", release) == BOT


def test_the_release_action_yml_changes_only_the_image_line(tmp_path: Path) -> None:
    origin, runner, source = released_remote(tmp_path)
    done, _ = run(runner, "release-move-tags", version(), f"v{version()}")
    assert done.returncode == 0, done.stdout + done.stderr
    before = git(origin, "show", f"{source}:action.yml").splitlines()
    after = git(origin, "show", f"v{version()}:action.yml").splitlines()
    assert [(b, a) for b, a in zip(before, after, strict=True) if b != a] == [
        ("  image: Dockerfile", f"  image: docker://{IMAGE}:v{version()}")
    ]
    assert yaml.safe_load("\n".join(after))["runs"]["image"] == f"docker://{IMAGE}:v{version()}"


def test_move_tags_detaches_a_checkout_on_a_branch(tmp_path: Path) -> None:
    origin, runner, source = released_remote(tmp_path)
    git(runner, "checkout", "-q", "main")
    done, _ = run(runner, "release-move-tags", version(), f"v{version()}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(runner, "rev-parse", "main") == source
    assert git(origin, "rev-parse", "main") == source


def test_move_tags_leaves_the_tags_it_is_not_given(tmp_path: Path) -> None:
    origin, runner, _ = released_remote(tmp_path)
    major = version().split(".")[0]
    git(runner, "tag", f"v{major}", "HEAD")
    git(runner, "push", "-q", "origin", f"v{major}")
    before = git(origin, "rev-parse", f"v{major}")
    done, _ = run(runner, "release-move-tags", version(), f"v{version()}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(origin, "rev-parse", f"v{major}") == before


@pytest.mark.parametrize("tags", ["v9.9.9", "v1.0", "main", "v1.0.0 v2"])
def test_move_tags_refuses_tags_of_another_version(tmp_path: Path, tags: str) -> None:
    origin, runner, source = released_remote(tmp_path)
    done, _ = run(runner, "release-move-tags", "1.0.1", tags)
    assert done.returncode == 2
    assert "tags must be v1.0.1" in done.stderr
    assert git(runner, "rev-parse", "HEAD") == source  # nothing committed
    assert git(origin, "tag", "--list") == f"v{version()}"


def test_move_tags_sends_the_token_only_to_the_server_and_keeps_it_nowhere(
    tmp_path: Path, local_github: LocalGitHub
) -> None:
    files = {rel: (ROOT / rel).read_bytes() for rel in SOURCE_FILES}
    local_github.create_repo("strukt1/schema-sync-action", files=files)
    local_github.add_token(TOKEN, {"strukt1/schema-sync-action": "write"})
    url = local_github.git_url("strukt1/schema-sync-action")
    runner = tmp_path / "runner"
    git(tmp_path, "clone", "-q", url, str(runner))
    server = {"GITHUB_SERVER_URL": f"http://127.0.0.1:{local_github.port}"}

    refused, _ = run(runner, "release-move-tags", version(), f"v{version()}", env=server)
    assert refused.returncode == 1
    assert refused.stdout.startswith("::error title=Release commit::git push failed")

    git(runner, "checkout", "-q", "--detach", "main")
    done, outputs = run(
        runner,
        "release-move-tags",
        version(),
        f"v{version()}",
        env={**server, "GITHUB_TOKEN": TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        git(runner, "ls-remote", url, f"refs/tags/v{version()}^{{}}").split()[0]
        == (outputs["commit"])
    )
    assert TOKEN not in done.stdout + done.stderr + refused.stdout + refused.stderr
    for stored in (runner / ".git").rglob("*"):
        if stored.is_file():
            assert TOKEN.encode() not in stored.read_bytes(), stored


def test_move_tags_sends_no_token_to_another_server(
    tmp_path: Path, local_github: LocalGitHub
) -> None:
    # The token is for GITHUB_SERVER_URL (github.com by default): a remote elsewhere,
    # here the local GitHub, never receives it, so the push is refused there.
    files = {rel: (ROOT / rel).read_bytes() for rel in SOURCE_FILES}
    local_github.create_repo("strukt1/schema-sync-action", files=files)
    local_github.add_token(TOKEN, {"strukt1/schema-sync-action": "write"})
    runner = tmp_path / "runner"
    git(tmp_path, "clone", "-q", local_github.git_url("strukt1/schema-sync-action"), str(runner))
    done, _ = run(
        runner, "release-move-tags", version(), f"v{version()}", env={"GITHUB_TOKEN": TOKEN}
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::error title=Release commit::git push failed")
    assert TOKEN not in done.stdout + done.stderr
