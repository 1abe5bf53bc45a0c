"""The demo province as published, built once per test session for the quality gates.

Every site with its search index, aggregated into the provincial portal (``tong-hop/``), plus the
province-wide compliance report that ``invoke compliance`` writes (``tuan-thu/<date>/``).
"""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

from conftest import project as project_at  # noqa: E402

from aggregate.pipeline import aggregate
from compliance import html_report
from compliance import settings as compliance_settings
from compliance.engine import evaluate
from portal.build import build_province

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)


def demo_output(tmp_path_factory) -> Path:
    """``output/`` of the whole demo province (built on first use in this session)."""
    base = tmp_path_factory.getbasetemp() / "quality-demo"
    out, done = base / "output", base / "built"
    if done.is_file():
        return out
    settings = ROOT / "pelicanconf.py"
    result = build_province(project_at(ROOT, out), jobs=2, search=True)
    assert result.ok, [p.format() for p in result.all_problems()]
    state = base / "state"
    aggregate(project_at(ROOT, out, overrides={"AGGREGATE_STATE_DIR": str(state)}),
              AS_OF, dt.datetime(2026, 11, 23, 9, 0))
    rebuilt = build_province(project_at(ROOT, out, overrides={"AGGREGATE_STATE_DIR": str(state)}),
                             ["thanhvan"], search=True)
    assert rebuilt.ok, [p.format() for p in rebuilt.all_problems()]
    typed = compliance_settings.read(runpy.run_path(str(settings)))[0]
    report = out / "tuan-thu" / AS_OF.isoformat() / "bao-cao-tuan-thu.html"
    report.parent.mkdir(parents=True)
    report.write_text(html_report.render(evaluate(project_at(ROOT), AS_OF, None, typed, use_git=False),
                                         ROOT / "themes" / "cong-thong-tin" / "templates"), encoding="utf-8")
    done.write_text("ok", encoding="utf-8")
    return out
