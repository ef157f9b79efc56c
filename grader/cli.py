"""The `grader` command."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from grader.exercises import TITLES, has_checks, load_exercise

EXERCISE = click.Choice(sorted(TITLES))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Autograder for the deep-learning exercises of ../shared/curriculum.md."""


@main.command("list")
def list_exercises() -> None:
    """Show every exercise with its title and points."""
    for exercise_id, title in TITLES.items():
        exercise = load_exercise(exercise_id)
        points = f"{exercise.max_score:g} points, {len(exercise.checks)} checks" if exercise else "no checks yet"
        click.echo(f"{exercise_id}  {title:<44} {points}")


@main.command()
@click.argument("exercise_id", metavar="EXERCISE", type=EXERCISE)
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["human", "json"]), default="human",
              help="json: exactly one JSON object on stdout.")
@click.option("--strict", is_flag=True,
              help="Official grading: refuse (exit 2) unless every required isolation layer is active here.")
def check(exercise_id: str, path: Path | None, output_format: str, strict: bool) -> None:
    """Grade PATH (a .py file or a notebook) on EXERCISE.

    PATH defaults to exercises/EXERCISE.py, or exercises/EXERCISE.ipynb if there is no .py.
    Exit code: 0 for full marks, 1 for anything less, 2 for a usage error (or, with --strict, a
    host that cannot isolate student code as required; `grader doctor` says what is missing).
    """
    from grader.runner import IncompleteIsolation, grade  # the engine's imports are only paid for when grading

    if not has_checks(exercise_id):
        raise click.UsageError(f"{exercise_id} has no checks yet")
    path = path or default_path(exercise_id)
    # Only the JSON object goes to stdout: anything else printed while grading goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            report = grade(exercise_id, path, strict=strict)
        except IncompleteIsolation as missing:
            click.echo(f"Error: refusing to grade with --strict: not enforced on this host: {missing}\n"
                       "Run `grader doctor` for details.", err=True)
            sys.exit(2)
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(render_human(report))
    sys.exit(0 if report.score == report.max_score else 1)


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if any stub is out of date.")
@click.option("--reference", "reference_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reference"), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("exercises"), show_default=True)
def stubs(check_only: bool, reference_dir: Path, out_dir: Path) -> None:
    """Generate the student stubs (.py and .ipynb) from the reference solutions.

    Each block between `# BEGIN SOLUTION` and `# END SOLUTION` becomes `raise NotImplementedError`.
    """
    from grader.stubs import MarkerError, generated_files

    try:
        files = generated_files(reference_dir, out_dir)
    except MarkerError as error:
        raise click.ClickException(str(error)) from None
    if not files:
        raise click.UsageError(f"no exercise*.py in {reference_dir}")
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if check_only:
        for path in stale:
            click.echo(f"out of date: {path} (run `grader stubs`)", err=True)
        sys.exit(1 if stale else 0)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(files[path])
        click.echo(f"wrote {path}")


@main.command()
def doctor() -> None:
    """Show how student code is isolated on this host, layer by layer.

    Exit code 0 when every layer that `check --strict` requires is active, 1 otherwise.
    """
    from grader.runner import isolation
    from grader.sandbox.layers import REQUIRED

    layers = isolation()
    width = max(len(layer.name) for layer in layers)
    click.echo("Isolation of student code on this host (each check runs in a fresh worker):")
    for layer in layers:
        mark = click.style("on ", fg="green") if layer.active else click.style("off", fg="red")
        needed = " (required by --strict)" if layer.name in REQUIRED else ""
        click.echo(f"  {mark} {layer.name:<{width}}  {layer.detail}{needed}")
    missing = [layer.name for layer in layers if layer.name in REQUIRED and not layer.active]
    if missing:
        click.echo(f"--strict would refuse to grade here: {', '.join(missing)} missing.")
    else:
        click.echo("--strict grading is possible here.")
    sys.exit(1 if missing else 0)


def default_path(exercise_id: str) -> Path:
    script, notebook = Path("exercises", f"{exercise_id}.py"), Path("exercises", f"{exercise_id}.ipynb")
    if script.exists():
        # Both come fresh out of a clone within moments; only a notebook edited later is news.
        if notebook.exists() and notebook.stat().st_mtime > script.stat().st_mtime + 60:
            click.echo(f"note: {notebook} is newer than {script}; grading {script} "
                       f"(run `grader check {exercise_id} {notebook}` to grade the notebook)", err=True)
        return script
    if notebook.exists():
        return notebook
    raise click.UsageError(f"neither {script} nor {notebook} exists; pass the file to grade")


def render_human(report) -> str:
    from grader.report import render

    return render(report, color=sys.stdout.isatty())


if __name__ == "__main__":
    main()
