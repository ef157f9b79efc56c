"""Is the grader that is about to grade the one the instructor released?

In a student's repository, the grader's files sit in the student's own tree, where any commit
can change them: a check made to pass whatever the code, say. So the release pins the grader:
its fingerprint, a SHA-256 over every file of the package, is written into the workflow
(`grader ci --expect-fingerprint`), and the package holds a manifest (`MANIFEST.sha256`, each
file's own hash) that names what changed when the fingerprint differs. `grader ci` verifies the
package it runs from, the installed one, before it loads a single check.

What this is not: a defence against a student who rewrites the workflow, or this file, as well.
Such a student controls their own CI run, as in every autograder that runs in the student's
repository; the official grade comes from the instructor's `grader grade`, which never reads
the student's copy of the grader.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import grader

PACKAGE = Path(grader.__file__).resolve().parent
MANIFEST = "MANIFEST.sha256"


def package_files(package: Path = PACKAGE) -> dict[str, bytes]:
    """Every file of the package by its path inside it (with slashes), but compiled bytecode
    (Python writes it there itself) and the manifest."""
    return {path.relative_to(package).as_posix(): path.read_bytes() for path in sorted(package.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
            and path.name != MANIFEST}


def manifest(files: dict[str, bytes]) -> str:
    """One `sha256  path` line per file, sorted by path (the format of `sha256sum`)."""
    return "".join(f"{hashlib.sha256(content).hexdigest()}  {path}\n" for path, content in sorted(files.items()))


def fingerprint(files: dict[str, bytes]) -> str:
    return hashlib.sha256(manifest(files).encode()).hexdigest()


@dataclass(frozen=True)
class Integrity:
    verified: bool  # the package is the pinned one
    problems: list[str]  # what differs from it; empty when verified or when nothing was pinned
    detail: str  # one line for a log or a summary

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def verify(expected: str | None, package: Path = PACKAGE) -> Integrity:
    """Compare the package's fingerprint with `expected` (None: nothing pinned, nothing to verify)."""
    files = package_files(package)
    actual = fingerprint(files)
    if expected is None:
        return Integrity(False, [], f"not verified (no fingerprint pinned); this grader's is {actual}")
    if actual == expected.strip().lower():
        return Integrity(True, [], f"verified: the {len(files)} files of {package} are the released grader's")
    return Integrity(False, _differences(files, package / MANIFEST, expected.strip().lower()),
                     f"the grader in {package} is not the released one (fingerprint {actual}, pinned {expected})")


def _differences(files: dict[str, bytes], manifest_path: Path, expected: str) -> list[str]:
    """Which files differ from the release, as its manifest lists them, when the manifest itself
    is the released one."""
    try:
        listed = manifest_path.read_text()
    except OSError:
        return [f"{MANIFEST} is missing, so the changed files cannot be named"]
    if hashlib.sha256(listed.encode()).hexdigest() != expected:
        return [f"{MANIFEST} was changed as well, so the changed files cannot be named"]
    released = dict(reversed(line.split("  ", 1)) for line in listed.splitlines() if "  " in line)
    now = {path: hashlib.sha256(content).hexdigest() for path, content in files.items()}
    return ([f"grader/{path} was changed" for path in sorted(released.keys() & now.keys())
             if released[path] != now[path]]
            + [f"grader/{path} was removed" for path in sorted(released.keys() - now.keys())]
            + [f"grader/{path} was added" for path in sorted(now.keys() - released.keys())])
