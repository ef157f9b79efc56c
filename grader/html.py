"""Self-contained HTML pages (feedback, the class report) from the Jinja2 templates in
`grader/templates/`. Autoescaping is on: messages hold what student code printed, which must
show as text and never run as markup in a TA's browser."""

from __future__ import annotations

import functools

import jinja2


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("grader", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)
