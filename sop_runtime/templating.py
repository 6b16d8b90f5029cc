"""One way to make HTML outside the web app: autoescaped Jinja2 templates shipped in the
package (``compiler/render/templates``, ``audit/templates``), named by their path in the
package, with the helper every template uses: ``t(id, en)``, the language pair.

Layout arithmetic (geometry, column widths, chart bars) stays in the Python that fills a
template; text reaches a template as data and is escaped there. Style sheets (``.css``)
are templates too, not escaped: what goes into them is made safe for CSS by the caller."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sop_runtime.i18n import current_lang, tr

if TYPE_CHECKING:
    from jinja2 import Environment, Template

_PACKAGE = Path(__file__).parent


@cache
def _environment() -> Environment:
    # imported on first use: the clerk's everyday commands (`sop tasks`) render no page, and
    # Jinja2 is a tenth of their cold start
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(_PACKAGE),
                      autoescape=select_autoescape(("html", "svg"), ("css",), default=True),
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals.update(t=tr, current_lang=current_lang)
    return env


def template(name: str) -> Template:
    """The template at ``name`` in the package (``audit/templates/case.html``)."""
    return _environment().get_template(name)
