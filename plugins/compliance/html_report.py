"""A self-contained HTML report (no theme, no scripts) for ``invoke compliance``."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from portal.templating import FILTERS

from .engine import Evaluation

HERE = Path(__file__).parent
TEMPLATE = HERE / "templates" / "bao-cao.html"


def render(evaluation: Evaluation, theme_templates: Path) -> str:
    """The province report; the table macros are the theme's, so both reports read the same."""
    env = Environment(loader=FileSystemLoader([str(TEMPLATE.parent), str(theme_templates)]),
                      autoescape=True)  # every value is text (docs/theme.md)
    env.filters.update(FILTERS)
    context = {"TUAN_THU": {"ngay": evaluation.as_of, "toan_tinh": evaluation,
                            "bo_quy_tac": evaluation.used_rule_sets()}}
    return env.get_template(TEMPLATE.name).render(context)
