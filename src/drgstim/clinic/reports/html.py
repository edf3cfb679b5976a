"""HTML reports: Jinja2 templates in ``drgstim/data/clinic/templates``, charts inlined as SVG."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["render_html"]


@cache
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("drgstim", "data/clinic/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )


def _inline_svg(svg: bytes) -> Any:
    """The SVG document as markup to embed (XML prolog and DOCTYPE dropped)."""
    from markupsafe import Markup

    text = svg.decode("utf-8")
    start = text.find("<svg")
    return Markup(text[start:])


def render_html(
    template: str,
    context: dict[str, Any],
    *,
    chart_svg: bytes | None,
    trends_svg: bytes | None = None,
) -> bytes:
    """Render a report template to self-contained UTF-8 HTML."""
    from drgstim import __version__

    chart = _inline_svg(chart_svg) if chart_svg else ""
    trends = _inline_svg(trends_svg) if trends_svg else ""
    html = (
        _env()
        .get_template(template)
        .render(**context, chart_svg=chart, trends_svg=trends, version=__version__)
    )
    return html.encode("utf-8")
