"""One way to make HTML outside the web app: autoescaped Jinja2 templates shipped in the
package (``compiler/render/templates``, ``audit/templates``), with the helpers every
template uses (``t(id, en)`` for the language pair, ``lang``). Layout arithmetic stays in
the Python that fills the templates; what reaches a template as text is escaped by it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from sop_runtime.i18n import current_lang, tr

_PACKAGE = Path(__file__).parent


@cache
def _environment(folder: str) -> Environment:
    env = Environment(loader=FileSystemLoader(_PACKAGE / folder), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals.update(t=tr, current_lang=current_lang)
    return env


def template(folder: str, name: str) -> Template:
    """The template ``name`` from the package folder ``folder`` (e.g. ``audit/templates``)."""
    return _environment(folder).get_template(name)
