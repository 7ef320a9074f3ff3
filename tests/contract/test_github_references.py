"""The local GitHub against GitHub's own references (tests/references/, made by
scripts/update-github-references): the committed files are what the manifest pins, the
cut covers every operation the action calls, each erratum is proven by its recording,
and every recorded exchange replays on the local GitHub with the same status, headers
that matter and body keys.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.contract.replay import TOKEN, Replay
from tests.localgithub import LocalGitHub
from tests.localgithub import references as R
from tests.localgithub.referee import Referee

ROOT = Path(__file__).resolve().parents[2]
ORG = "octokit-fixture-org"


# --- the committed references --------------------------------------------------------------


def test_the_manifest_pins_both_packages_by_version_and_sha256() -> None:
    manifest = json.loads((R.REFERENCES / "manifest.json").read_text())
    pins = {p["package"]: (p["version"], p["tarball_sha256"]) for p in manifest["packages"]}
    assert pins["@octokit/openapi"][0] == "23.0.2"
    assert pins["@octokit/fixtures"][0] == "23.1.2"
    script = (ROOT / "scripts" / "update-github-references").read_text()
    assert all(version in script and sha in script for version, sha in pins.values())


def test_the_committed_references_are_the_ones_the_manifest_lists() -> None:
    manifest = json.loads((R.REFERENCES / "manifest.json").read_text())
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((R.REFERENCES / name).read_bytes()).hexdigest() == sha, name


def test_the_references_stay_small() -> None:
    size = sum(p.stat().st_size for p in R.REFERENCES.rglob("*") if p.is_file())
    assert size < 2 * 1024 * 1024


def test_the_cut_holds_every_listed_operation() -> None:
    listed = {**R.operations()["action"], **R.operations()["emulator"]}
    doc = R.raw_description()
    for key in listed:
        method, template = key.split(" ", 1)
        assert method.lower() in doc["paths"].get(template, {}), key


def _templates(kind: str) -> list[re.Pattern[str]]:
    """The listed operations as patterns over the code's URLs (`/repos/{repo}/...`)."""
    found = []
    for key in R.operations()[kind]:
        template = key.split(" ", 1)[1]
        regex = re.escape(template).replace(re.escape("{owner}/{repo}"), r"\{repo\}")
        for name in ("path", "ref", "branch"):  # these may span segments
            regex = regex.replace(re.escape("{" + name + "}"), ".+")
        regex = re.sub(r"\\\{[a-z_]+\\\}", r"(\\{[^}]+\\}|[^/]+)", regex)
        found.append(re.compile(f"^{regex}$"))
    return found


def test_every_url_the_action_builds_is_a_listed_operation() -> None:
    """Raw REST calls in sync_action name their URL as `/repos/{repo}/...` literals."""
    action = _templates("action")
    urls = set()
    for source in (ROOT / "sync_action").rglob("*.py"):
        urls |= set(re.findall(r"f?\"(/(?:repos/\{repo\}|user)[^\"?]*)\"", source.read_text()))
    assert urls, "no REST URL found in sync_action"
    unlisted = sorted(u for u in urls if not any(p.match(u) for p in action))
    assert not unlisted, f"add them to tests/references/operations.json: {unlisted}"


def test_every_operation_the_local_github_serves_is_listed(local_github: LocalGitHub) -> None:
    listed = {**R.operations()["action"], **R.operations()["emulator"]}
    ids = set()
    for key in listed:
        method, template = key.split(" ", 1)
        ids.add(R.raw_description()["paths"][template][method.lower()]["operationId"])
    assert set(local_github.api.handlers) | {"rate-limit/get"} <= ids


# --- errata ----------------------------------------------------------------------------------


def _validator(doc: dict[str, Any], pointer: str) -> OAS30Validator:
    resource = Resource.from_contents(doc, default_specification=DRAFT4)
    registry: Registry = Registry().with_resource("urn:proof", resource)
    return OAS30Validator({"$ref": f"urn:proof#{pointer}"}, registry=registry)


@pytest.mark.parametrize("erratum", R.errata(), ids=lambda e: e["id"])
def test_each_erratum_is_proven_by_its_recording(erratum: dict[str, Any]) -> None:
    proof = erratum["proof"]
    exchange = R.recording(proof["recording"])["exchanges"]
    body = R.at(
        next(e for e in exchange if e["exchange"] == proof["exchange"])["response"], proof["at"]
    )
    described = _validator(R.raw_description(), proof["schema"])
    assert list(described.iter_errors(body)), "the description accepts the recording as it is"
    fixed = json.loads(json.dumps(R.raw_description()))
    R.apply(fixed, erratum)
    assert not list(_validator(fixed, proof["schema"]).iter_errors(body))


def test_the_referee_refuses_what_the_description_refuses() -> None:
    referee = Referee()
    template, method = "/repos/{owner}/{repo}/git/ref/{ref}", "get"
    assert referee.check(template, method, 200, b'{"ref": 7}')
    assert referee.check(template, method, 200, b"<html>") == ["the body is not JSON"]
    assert referee.check(template, method, 404, b'{"message": "Not Found"}') == []


# --- replaying the recordings ----------------------------------------------------------------


def _repo(gh: LocalGitHub, name: str, files: dict[str, str] | None = None) -> dict[str, str]:
    repo = gh.create_repo(f"{ORG}/{name}", files or {"README.md": f"# {name}"}, "master")
    return {"/repositories/1000": f"/repositories/{repo.id}"}


def _git_refs(gh: LocalGitHub) -> dict[str, str]:
    """Two commits, as the recording's script makes them: the ref is created at the first
    (recorded as ...02) and moved to the second (...01)."""
    names = _repo(gh, "git-refs", {"1.md": "# git-refs\ncreated with initial commit"})
    second = gh.commit(f"{ORG}/git-refs", "master", {"2.md": "# git-refs\n2nd commit"})
    first = gh.store.get(f"{ORG}/git-refs").git.out("rev-parse", f"{second}^")
    return names | {"0" * 39 + "2": first, "0" * 39 + "1": second}


def _paginate_issues(gh: LocalGitHub) -> dict[str, str]:
    names = _repo(gh, "paginate-issues")
    for number in range(1, 14):
        gh.create_issue(f"{ORG}/paginate-issues", f"Test issue {number}")
    gh.links_by_id = True  # GitHub's Link headers name the repository by id
    return names


SEEDS: dict[str, Callable[[LocalGitHub], dict[str, str]]] = {
    "get-repository": lambda gh: _repo(gh, "hello-world"),
    "get-content": lambda gh: _repo(gh, "hello-world"),
    "create-file": lambda gh: _repo(gh, "create-file"),
    "git-refs": _git_refs,
    "add-labels-to-issue": lambda gh: _repo(gh, "add-labels-to-issue"),
    "paginate-issues": _paginate_issues,
    "errors": lambda gh: _repo(gh, "errors"),
    "rename-repository": lambda gh: _repo(gh, "rename-repository"),
}


def test_every_recording_has_a_seed() -> None:
    assert sorted(SEEDS) == R.scenarios()


@pytest.mark.parametrize("scenario", sorted(SEEDS))
def test_the_local_github_answers_each_recorded_exchange_like_github(
    local_github: LocalGitHub, scenario: str
) -> None:
    local_github.add_token(TOKEN)
    replay = Replay(local_github, SEEDS[scenario](local_github))
    recorded = R.recording(scenario)["exchanges"]
    assert recorded
    for exchange in recorded:
        answer = replay.send(exchange)
        where = f"{exchange['method']} {exchange['path']} (exchange {exchange['exchange']})"
        assert replay.differences(exchange, answer) == [], where
