"""Releases: versions agree, the release action.yml is right, the release workflow works.

The release workflow's own shell steps are run here, on temporary copies and git
repositories, so that what they decide (which tags move, what the release commit holds)
is tested, not only their text. Only the steps that need GitHub (buildx, the registry,
`gh`) are checked by reading the workflow.
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import sync_action

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "release-action-yml"
WORKFLOW_PATH = ROOT / ".github" / "workflows" / "release.yml"
IMAGE = "ghcr.io/strukt1/schema-sync-action"

ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?[ \t]*$", re.M)
SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.com",
    "GIT_COMMITTER_NAME": "Maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


# --- helpers ----------------------------------------------------------------------------


def package_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["version"]


def changelog_entries() -> list[tuple[str, str | None, str]]:
    """(version, date or None, body) for every `## [...]` heading, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    text = re.split(r"^\[[^\]]+\]: ", text, maxsplit=1, flags=re.M)[0]  # drop link refs
    headings = list(ENTRY.finditer(text))
    entries = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end() : end].strip()
        entries.append((heading["version"], heading["date"], body))
    return entries


def released_entries() -> list[tuple[str, str, str]]:
    return [(v, d, b) for v, d, b in changelog_entries() if v != "Unreleased" and d]


def semver(version: str) -> tuple[int, int, int]:
    match = SEMVER.fullmatch(version)
    assert match, f"{version!r} is not MAJOR.MINOR.PATCH"
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def release_action_yml(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def job() -> dict:
    jobs = workflow()["jobs"]
    assert list(jobs) == ["release"]
    return jobs["release"]


def steps() -> list[dict]:
    return job()["steps"]


def step(step_id: str) -> dict:
    matches = [s for s in steps() if s.get("id") == step_id]
    assert len(matches) == 1, f"no single step with id {step_id!r}"
    return matches[0]


def step_using(action: str) -> dict:
    """The one step using `action` (for docker/build-push-action: the one that pushes)."""
    matches = [s for s in steps() if str(s.get("uses", "")).split("@")[0] == action]
    if action == "docker/build-push-action":
        matches = [s for s in matches if s.get("with", {}).get("push")]
    assert len(matches) == 1, f"no single step using {action}"
    return matches[0]


def step_running(text: str) -> dict:
    matches = [s for s in steps() if text in s.get("run", "")]
    assert len(matches) == 1, f"no single step running {text!r}"
    return matches[0]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


def parse_outputs(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            outputs[name] = "\n".join(block)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@pytest.fixture
def run_step(tmp_path: Path):
    """Run a workflow step's `run:` script with bash, as the runner would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # The steps call `python3`; make it this interpreter (3.11+, with tomllib).
    (bin_dir / "python3").symlink_to(sys.executable)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()

    def run(
        step_id_or_text: str, cwd: Path, env: dict[str, str]
    ) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        try:
            script = step(step_id_or_text)["run"]
        except AssertionError:
            script = step_running(step_id_or_text)["run"]
        output = tmp_path / "github-output"
        output.write_text("")
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            env={
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                "HOME": str(tmp_path),
                "GITHUB_OUTPUT": str(output),
                "RUNNER_TEMP": str(runner_temp),
                **job()["env"],
                **GIT_ENV,
                **env,
            },
        )
        return done, parse_outputs(output.read_text())

    return run


def source_tree(tmp_path: Path) -> Path:
    """A copy of the files the release workflow reads, as at a tagged source commit."""
    tree = tmp_path / "source"
    for rel in (
        "pyproject.toml",
        "sync_action/__init__.py",
        "CHANGELOG.md",
        "action.yml",
        "scripts/release-action-yml",
    ):
        target = tree / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return tree


# --- versions and the changelog ---------------------------------------------------------


def test_package_version_init_version_and_changelog_agree() -> None:
    newest = released_entries()[0][0]
    assert package_version() == sync_action.__version__ == newest


def test_changelog_is_keep_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    entries = changelog_entries()
    assert entries, "no entries"
    versions = [version for version, _, _ in entries]
    assert "Unreleased" not in versions[1:], "[Unreleased] must come first"
    released = released_entries()
    assert [v for v in versions if v != "Unreleased"] == [v for v, _, _ in released], (
        "every released entry needs a date: ## [X.Y.Z] - YYYY-MM-DD"
    )
    numbers = [semver(version) for version, _, _ in released]
    assert numbers == sorted(numbers, reverse=True), "entries must be newest first"
    assert len(set(numbers)) == len(numbers), "a version is listed twice"
    dates = [datetime.date.fromisoformat(date) for _, date, _ in released]
    assert dates == sorted(dates, reverse=True)
    for version, _, body in released:
        assert re.search(r"^### (Added|Changed|Deprecated|Removed|Fixed|Security)$", body, re.M), (
            f"{version} has no Keep a Changelog section"
        )
    for version in versions:
        assert re.search(rf"^\[{re.escape(version)}\]: https://\S+$", text, re.M), (
            f"no link reference for [{version}]"
        )


def test_first_release_is_recorded() -> None:
    assert ("1.0.0", "2026-11-25") in [(v, d) for v, d, _ in released_entries()]


# --- scripts/release-action-yml ---------------------------------------------------------


def test_main_builds_the_dockerfile() -> None:
    # uses: ./ and the tests build from source; only release commits use the image.
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["image"] == "Dockerfile"


def test_script_is_executable() -> None:
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text(encoding="utf-8").startswith("#!/usr/bin/env python3\n")


def test_release_action_yml_points_at_the_image_and_changes_nothing_else() -> None:
    original_text = (ROOT / "action.yml").read_text(encoding="utf-8")
    done = release_action_yml("1.0.0")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""

    original = yaml.safe_load(original_text)
    released = yaml.safe_load(done.stdout)
    assert released["runs"]["image"] == f"docker://{IMAGE}:v1.0.0"
    assert released["runs"]["using"] == "docker"
    expected = copy.deepcopy(original)
    expected["runs"]["image"] = f"docker://{IMAGE}:v1.0.0"
    assert released == expected
    assert list(released["inputs"]) == list(original["inputs"])
    assert list(released["outputs"]) == list(original["outputs"])

    # Byte for byte, only the image line differs: comments and layout are kept.
    before, after = original_text.splitlines(), done.stdout.splitlines()
    assert len(before) == len(after)
    differing = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert differing == [("  image: Dockerfile", f"  image: docker://{IMAGE}:v1.0.0")]
    assert done.stdout.endswith("\n") == original_text.endswith("\n")


def test_release_action_yml_is_a_valid_action(tmp_path: Path) -> None:
    checker = shutil.which("check-jsonschema") or shutil.which(
        "check-jsonschema", path=str(Path(sys.executable).parent)
    )
    if checker is None:
        pytest.skip("check-jsonschema is not installed")
    released = tmp_path / "action.yml"
    released.write_text(release_action_yml("1.0.0").stdout, encoding="utf-8")
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-actions", str(released)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_release_action_yml_accepts_a_leading_v() -> None:
    assert release_action_yml("v1.0.0").stdout == release_action_yml("1.0.0").stdout
    assert f"image: docker://{IMAGE}:v12.3.45\n" in release_action_yml("12.3.45").stdout


@pytest.mark.parametrize("version", ["1.0", "v1", "1.0.0-rc.1", "1.0.0.0", "latest", "", " 1.0.0"])
def test_release_action_yml_refuses_bad_versions(version: str) -> None:
    done = release_action_yml(version)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "MAJOR.MINOR.PATCH" in done.stderr


def test_release_action_yml_refuses_a_release_action_yml(tmp_path: Path) -> None:
    released = tmp_path / "action.yml"
    released.write_text(release_action_yml("1.0.0").stdout, encoding="utf-8")
    done = release_action_yml("1.0.1", "--file", released)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "image: Dockerfile" in done.stderr


def test_release_action_yml_only_rewrites_runs_image(tmp_path: Path) -> None:
    action = tmp_path / "action.yml"
    action.write_text(
        "name: x\n"
        "description: image: Dockerfile is mentioned here\n"
        "inputs:\n"
        "  image:\n"
        "    description: an input named image\n"
        "runs:\n"
        "  using: docker\n"
        "  image: 'Dockerfile'  # built from source on main\n"
        "branding:\n"
        "  icon: box\n",
        encoding="utf-8",
    )
    done = release_action_yml("2.0.0", "--file", action)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[7] == (
        f"  image: docker://{IMAGE}:v2.0.0  # built from source on main"
    )
    assert done.stdout.splitlines()[:7] == action.read_text().splitlines()[:7]


def test_release_action_yml_in_place_rewrites_the_given_file(tmp_path: Path) -> None:
    original = (ROOT / "action.yml").read_bytes()
    copied = tmp_path / "action.yml"
    copied.write_bytes(original)
    done = release_action_yml("1.0.0", "--in-place", "--file", copied)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert copied.read_text(encoding="utf-8") == release_action_yml("1.0.0").stdout
    assert (ROOT / "action.yml").read_bytes() == original


def test_release_action_yml_runs_from_anywhere(tmp_path: Path) -> None:
    # The default file is the repository's action.yml, not one in the working directory.
    done = release_action_yml("1.0.0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["name"] == "Schema Sync"


# --- the release workflow, read ------------------------------------------------------------


def test_release_runs_on_version_tags_only() -> None:
    data = workflow()
    trigger = data.get("on", data.get(True))  # PyYAML reads the key `on` as True
    assert trigger == {"push": {"tags": ["v*.*.*"]}}


def test_release_permissions() -> None:
    assert workflow()["permissions"] == {"contents": "read"}
    assert job()["permissions"] == {"contents": "write", "packages": "write"}
    assert workflow()["concurrency"]["cancel-in-progress"] is False


def test_release_image_name_is_the_scripts() -> None:
    assert job()["env"]["IMAGE"] == IMAGE
    assert f'IMAGE = "{IMAGE}"' in SCRIPT.read_text(encoding="utf-8")


def test_release_actions_are_pinned() -> None:
    for s in steps():
        if "uses" in s:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", s["uses"]), s[
                "uses"
            ]


def test_release_checks_out_every_tag() -> None:
    checkout = step_using("actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0


def test_release_builds_both_platforms_and_pushes_the_three_tags() -> None:
    for action in ("docker/setup-qemu-action", "docker/setup-buildx-action"):
        step_using(action)
    login = step_using("docker/login-action")
    assert login["with"]["registry"] == "ghcr.io"
    assert login["with"]["password"] == "${{ secrets.GITHUB_TOKEN }}"

    build = step_using("docker/build-push-action")
    assert build["with"]["file"] == "Dockerfile"
    assert build["with"]["push"] is True
    platforms = {p.strip() for p in build["with"]["platforms"].split(",")}
    assert platforms == {"linux/amd64", "linux/arm64"}
    assert build["with"]["tags"] == "${{ steps.tags.outputs.image }}"

    decide = step("tags")["run"]
    for tag in ('"$IMAGE:v$VERSION"', '"$IMAGE:v$MINOR"', '"$IMAGE:v$MAJOR"'):
        assert tag in decide, tag


def test_release_moves_the_three_git_tags_to_a_release_commit() -> None:
    decide = step("tags")["run"]
    for tag in ('git_tags="v$VERSION"', '"$git_tags v$MINOR"', '"$git_tags v$MAJOR"'):
        assert tag in decide, tag
    commit = step_running("git commit")
    assert commit["env"]["GIT_TAGS"] == "${{ steps.tags.outputs.git }}"
    run = commit["run"]
    assert 'scripts/release-action-yml "$VERSION" --in-place' in run
    assert "git tag --force" in run
    assert "git push --force" in run
    assert "git checkout" not in run and "git switch" not in run  # stays detached


def test_release_creates_the_github_release_from_the_changelog() -> None:
    release = step_running("gh release create")
    assert release["env"]["NOTES"] == "${{ steps.check.outputs.notes }}"
    assert '--notes-file "$NOTES"' in release["run"]
    assert "--verify-tag" in release["run"]


def test_release_steps_run_in_a_safe_order() -> None:
    names = []
    for s in steps():
        if "uses" in s:
            names.append(s["uses"].split("@")[0])
        elif s.get("id"):
            names.append(s["id"])
        elif "git commit" in s["run"]:
            names.append("move-tags")
        elif "gh release" in s["run"]:
            names.append("github-release")
        elif "docker run" in s["run"]:
            names.append("smoke-test")
        elif "pytest" in s["run"]:
            names.append("container-scenarios")
    # Nothing is pushed before the checks pass and the image passed the container scenarios,
    # and no tag moves before its image exists.
    assert names == [
        "actions/checkout",
        "check",
        "tags",
        "docker/setup-qemu-action",
        "docker/setup-buildx-action",
        "docker/build-push-action",
        "actions/setup-python",
        "container-scenarios",
        "docker/login-action",
        "docker/build-push-action",
        "smoke-test",
        "move-tags",
        "github-release",
    ]


def test_release_run_steps_take_expressions_only_through_env() -> None:
    # `${{ }}` inside a script is pasted in as text before bash runs: a tag name could
    # inject commands. Every value goes through `env:` instead.
    for s in steps():
        if "run" in s:
            assert "${{" not in s["run"], s.get("name")


# --- the release workflow, run ----------------------------------------------------------


def test_check_step_accepts_the_packages_version(run_step, tmp_path: Path) -> None:
    version = package_version()
    done, outputs = run_step("check", source_tree(tmp_path), {"TAG": f"v{version}"})
    assert done.returncode == 0, done.stdout + done.stderr
    major, minor, _ = semver(version)
    assert outputs["version"] == version
    assert outputs["minor"] == f"{major}.{minor}"
    assert outputs["major"] == str(major)
    notes = Path(outputs["notes"]).read_text(encoding="utf-8")
    assert notes == released_entries()[0][2] + "\n"
    assert "[Unreleased]" not in notes and "## [" not in notes


@pytest.mark.parametrize("tag", ["v9.9.9", "v1.0", "1.0.0", "v1.0.0-rc.1", "v1.0.0;true"])
def test_check_step_refuses_other_tags(run_step, tmp_path: Path, tag: str) -> None:
    done, outputs = run_step("check", source_tree(tmp_path), {"TAG": tag})
    assert done.returncode != 0
    assert "::error" in done.stdout
    assert outputs == {}


def test_check_step_refuses_a_missing_changelog_entry(run_step, tmp_path: Path) -> None:
    tree = source_tree(tmp_path)
    version = package_version()
    changelog = tree / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace(f"## [{version}]", "## [0.0.1]"),
        encoding="utf-8",
    )
    done, _ = run_step("check", tree, {"TAG": f"v{version}"})
    assert done.returncode != 0
    assert "CHANGELOG.md has no entry" in done.stdout


def test_check_step_refuses_a_mismatched_init_version(run_step, tmp_path: Path) -> None:
    tree = source_tree(tmp_path)
    init = tree / "sync_action" / "__init__.py"
    init.write_text('__version__ = "0.0.1"\n', encoding="utf-8")
    done, _ = run_step("check", tree, {"TAG": f"v{package_version()}"})
    assert done.returncode != 0
    assert "sync_action/__init__.py has __version__ 0.0.1" in done.stdout


def test_check_step_refuses_a_release_commit(run_step, tmp_path: Path) -> None:
    tree = source_tree(tmp_path)
    version = package_version()
    assert release_action_yml(version, "--in-place", "--file", tree / "action.yml").returncode == 0
    done, _ = run_step("check", tree, {"TAG": f"v{version}"})
    assert done.returncode != 0


def repo_with_tags(tmp_path: Path, tags: list[str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for tag in tags:
        (repo / "file").write_text(tag)
        git(repo, "add", "file")
        git(repo, "commit", "-q", "-m", tag)
        git(repo, "tag", tag)
    return repo


@pytest.mark.parametrize(
    ("existing", "release", "git_tags"),
    [
        (["v1.0.0"], "1.0.0", "v1.0.0 v1.0 v1"),
        (["v1.0.0", "v1.1.0", "v1.0.1"], "1.0.1", "v1.0.1 v1.0"),
        (["v1.0.0", "v1.0.2", "v1.1.0", "v1.0.1"], "1.0.1", "v1.0.1"),
        (["v1.2.0", "v1.10.0"], "1.10.0", "v1.10.0 v1.10 v1"),
        (["v1.0.0", "v2.0.0", "v1.1.0"], "1.1.0", "v1.1.0 v1.1 v1"),
        (["v1.0.0", "v1", "v1.0", "v10.0.0", "v1.1.0-rc.1", "v1.1.0"], "1.1.0", "v1.1.0 v1.1 v1"),
    ],
)
def test_tags_step_moves_a_line_only_for_its_newest_release(
    run_step, tmp_path: Path, existing: list[str], release: str, git_tags: str
) -> None:
    major, minor, _ = semver(release)
    done, outputs = run_step(
        "tags",
        repo_with_tags(tmp_path, existing),
        {"VERSION": release, "MINOR": f"{major}.{minor}", "MAJOR": str(major)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["git"] == git_tags
    assert outputs["image"].splitlines() == [f"{IMAGE}:{tag}" for tag in git_tags.split()]


def test_move_tags_step_tags_a_detached_release_commit(run_step, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    work = source_tree(tmp_path)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "the source of v1.0.0")
    git(work, "tag", "v1.0.0")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main", "v1.0.0")
    source = git(work, "rev-parse", "HEAD")

    # What actions/checkout leaves for a tag push: HEAD detached at the tagged commit.
    runner = tmp_path / "runner"
    git(tmp_path, "clone", "-q", str(origin), str(runner))
    git(runner, "checkout", "-q", "--detach", "v1.0.0")

    done, _ = run_step("git commit", runner, {"VERSION": "1.0.0", "GIT_TAGS": "v1.0.0 v1.0 v1"})
    assert done.returncode == 0, done.stdout + done.stderr

    release = git(origin, "rev-parse", "v1.0.0^{commit}")
    assert release != source
    for tag in ("v1.0", "v1"):
        assert git(origin, "rev-parse", f"{tag}^{{commit}}") == release
    assert git(origin, "rev-parse", f"{release}^") == source
    assert git(origin, "rev-parse", "main") == source  # main is untouched
    assert git(origin, "branch", "--contains", release) == ""  # on no branch
    assert git(origin, "diff", "--name-only", source, release) == "action.yml"
    released = yaml.safe_load(git(origin, "show", f"{release}:action.yml"))
    assert released["runs"]["image"] == f"docker://{IMAGE}:v1.0.0"
    assert yaml.safe_load(git(origin, "show", "main:action.yml"))["runs"]["image"] == "Dockerfile"
    assert git(origin, "cat-file", "-t", "v1") == "tag"  # annotated
