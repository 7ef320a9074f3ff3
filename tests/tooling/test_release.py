"""Releases: versions agree, the release action.yml is right, the workflows are wired right.

What the release decides (which tags move, what the release commit holds) is in the
scripts release.yml calls; tests/tooling/test_release_scripts.py runs them on temporary
git repositories and scripts/release-rehearsal runs the whole release in CI. Here the
workflows are read: the steps that need GitHub (buildx, the registry, attestations), the
permissions, the order, and every action pinned by SHA.
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


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.yml"))
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v(\d+)\.\d+\.\d+$")


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def job(name: str) -> dict:
    jobs = workflow()["jobs"]
    assert list(jobs) == ["image", "attest", "publish"]
    return jobs[name]


def steps(name: str | None = None) -> list[dict]:
    """The steps of one job, or of every job in order."""
    names = [name] if name else list(workflow()["jobs"])
    return [s for n in names for s in job(n)["steps"]]


def step(job_name: str, step_id: str) -> dict:
    matches = [s for s in steps(job_name) if s.get("id") == step_id]
    assert len(matches) == 1, f"no single step with id {step_id!r} in {job_name}"
    return matches[0]


def step_running(text: str) -> dict:
    matches = [s for s in steps() if text in s.get("run", "")]
    assert len(matches) == 1, f"no single step running {text!r}"
    return matches[0]


def uses_lines(path: Path) -> list[str]:
    """The `uses:` lines naming another repository's action, as written."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if re.match(r"^\s*(- )?uses: (?!\./)", line)]


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


# --- the release workflow ---------------------------------------------------------------
# What it decides is in the scripts it calls, run by tests/tooling/test_release_scripts.py
# and end to end by scripts/release-rehearsal; these tests read how it wires them.


def test_release_runs_on_version_tags_only() -> None:
    data = workflow()
    trigger = data.get("on", data.get(True))  # PyYAML reads the key `on` as True
    assert trigger == {"push": {"tags": ["v*.*.*"]}}
    assert workflow()["concurrency"]["cancel-in-progress"] is False


def test_release_jobs_have_only_the_permissions_they_need() -> None:
    assert workflow()["permissions"] == {}
    assert job("image")["permissions"] == {"contents": "read", "packages": "write"}
    assert job("attest")["permissions"] == {
        "id-token": "write",
        "attestations": "write",
        "packages": "write",
    }
    assert job("publish")["permissions"] == {"contents": "write"}


def test_release_image_name_is_the_scripts() -> None:
    assert workflow()["env"]["IMAGE"] == IMAGE
    for script in ("release-action-yml", "release-tags", "release-move-tags"):
        text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
        assert f'"{IMAGE}"' in text, script


def test_release_run_steps_only_call_the_release_scripts() -> None:
    for s in steps():
        if "run" in s:
            command = s["run"].strip()
            assert "\n" not in command, s.get("name")
            assert re.match(r"scripts/release-[a-z-]+ ", command), command
            assert os.access(ROOT / command.split()[0], os.X_OK), command


def test_release_run_steps_take_expressions_only_through_env() -> None:
    # `${{ }}` inside a script is pasted in as text before bash runs: a tag name could
    # inject commands. Every value goes through `env:` instead.
    for s in steps():
        if "run" in s:
            assert "${{" not in s["run"], s.get("name")


def test_release_checks_out_every_tag_and_keeps_no_credentials() -> None:
    checkouts = [s for s in steps() if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2
    assert all(c["with"]["persist-credentials"] is False for c in checkouts)
    assert checkouts[0]["with"]["fetch-depth"] == 0  # every tag, for release-tags


def test_release_tests_the_image_before_it_pushes_both_platforms() -> None:
    names = [
        s["uses"].split("@")[0] if "uses" in s else s["run"].split()[0] for s in steps("image")
    ]
    assert names == [
        "actions/checkout",
        "scripts/release-check",
        "scripts/release-tags",
        "docker/setup-qemu-action",
        "docker/setup-buildx-action",
        "docker/build-push-action",
        "actions/setup-python",
        "scripts/release-scenarios",
        "docker/login-action",
        "docker/build-push-action",
        "scripts/release-smoke",
    ]
    load, push = [s for s in steps("image") if "build-push-action" in s.get("uses", "")]
    assert load["with"]["load"] is True and load["with"]["platforms"] == "linux/amd64"
    tested = step_running("scripts/release-scenarios")["run"].split()[1]
    assert load["with"]["tags"] == tested
    assert push["with"]["push"] is True
    assert {p.strip() for p in push["with"]["platforms"].split(",")} == {
        "linux/amd64",
        "linux/arm64",
    }
    assert push["with"]["tags"] == "${{ steps.tags.outputs.image }}"
    login = next(s for s in steps("image") if "login-action" in s.get("uses", ""))
    assert login["with"]["password"] == "${{ secrets.GITHUB_TOKEN }}"


def test_release_attests_the_pushed_digest() -> None:
    assert job("image")["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"
    assert step("image", "push")["with"]["push"] is True
    assert job("attest")["needs"] == "image"
    [attest] = [s for s in steps("attest") if "attest-build-provenance" in s.get("uses", "")]
    assert attest["with"] == {
        "subject-name": "${{ env.IMAGE }}",
        "subject-digest": "${{ needs.image.outputs.digest }}",
        "push-to-registry": True,
    }


def test_release_moves_tags_only_after_the_image_is_pushed_and_attested() -> None:
    assert job("publish")["needs"] == ["image", "attest"]
    names = [
        s["uses"].split("@")[0] if "uses" in s else s["run"].split()[0] for s in steps("publish")
    ]
    assert names == [
        "actions/checkout",
        "scripts/release-check",
        "scripts/release-move-tags",
        "scripts/release-github",
    ]
    move = step_running("scripts/release-move-tags")
    assert move["env"]["GIT_TAGS"] == "${{ needs.image.outputs.git-tags }}"
    assert move["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert job("image")["outputs"]["git-tags"] == "${{ steps.tags.outputs.git }}"


# --- every workflow: pinned actions ----------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_actions_are_pinned_by_sha_with_their_version(path: Path) -> None:
    lines = uses_lines(path)
    assert lines, path.name
    for line in lines:
        assert PINNED.match(line), f"{path.name}: {line.strip()}"


def test_one_checkout_major_everywhere() -> None:
    majors = set()
    for path in WORKFLOWS:
        for line in uses_lines(path):
            found = PINNED.match(line)
            if found and found[1] == "actions/checkout":
                majors.add(found[3])
    for path in EXAMPLES:
        majors.update(re.findall(r"uses: actions/checkout@v(\d+)$", path.read_text(), re.M))
    assert len(majors) == 1, majors


def test_no_checkout_keeps_credentials() -> None:
    for path in WORKFLOWS + EXAMPLES:
        for s in (s for j in yaml.safe_load(path.read_text())["jobs"].values() for s in j["steps"]):
            if s.get("uses", "").startswith("actions/checkout@"):
                assert s["with"]["persist-credentials"] is False, path.name


def test_ci_rehearses_the_release_after_the_tests() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    pytest_line = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert lines.index("scripts/release-rehearsal") > pytest_line
