"""The accessibility self-assessment page of each site: ``kha-nang-tiep-can.html``.

Luật Chuyển đổi số 148/2025/QH15 Điều 35 khoản 2: the agency assesses the accessibility of its portal and
publishes the result. The page is generated from the last axe-core run saved by ``invoke a11y`` in
``<QUALITY_STATE_DIR>/tiep-can/<site>.json`` (default ``.cache/kiem-tra``, relative to the project root);
when there is no run yet the page says so and shows no result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pelican.generators import Generator

from portal import contract, project
from portal.problems import PortalError

from . import accessibility

SAVE_AS = "kha-nang-tiep-can.html"
TEMPLATE = "kha-nang-tiep-can"


class QualitySettingsError(PortalError):
    """A wrong QUALITY_* setting."""


def _site_inputs(folder: Path, site_id: str, whole_province: bool) -> list[Path]:
    """A site's own runs; the provincial site (it reports on every site) reads all of them."""
    return [path for path in sorted(folder.rglob("*.json")) if whole_province or path.stem == site_id]


DECLARATION = contract.Declaration(
    "quality",
    settings=(contract.Setting("QUALITY_STATE_DIR", "where the quality gates save their last runs"
                                                    " (default .cache/kiem-tra)"),),
    context=(contract.ContextVariable("KHA_NANG_TIEP_CAN", contract.Incremental.VALUE,
                                      "the site's last accessibility self-assessment, as the page shows it"),),
    folders=(contract.CacheFolder(accessibility.STATE_FOLDER, accessibility.STATE_DIR, "the quality gates' last runs",
                                  setting="QUALITY_STATE_DIR", site_inputs=_site_inputs),),
    pages=(contract.Page(SAVE_AS, TEMPLATE),),
)


def state_dir(settings: dict) -> Path:
    """Where the quality gates keep their last runs (``QUALITY_STATE_DIR``, relative to the project root)."""
    return runs_folder(project.of(settings))


def runs_folder(here: project.Project) -> Path:
    return here.folder(accessibility.STATE_FOLDER)


def view(summary: dict | None) -> dict:
    """What the template shows: the run (or None), its date as a date, counts with labels, pages by viewport."""
    if not summary:
        return {"ket_qua": None}
    counts = summary.get("tong_hop", {})
    pages = summary.get("trang", [])
    return {
        "ket_qua": summary,
        "ngay": dt.date.fromisoformat(summary["ngay_danh_gia"]),
        "muc_do": [{"ma": impact, "nhan": accessibility.IMPACT_LABELS[impact], "so": counts.get(impact, 0),
                    "chan": impact in accessibility.BLOCKING} for impact in accessibility.IMPACTS],
        "dat": not accessibility.blocking(summary),
        "trang_may_tinh": [p for p in pages if p.get("khung_nhin") != "di-dong"],
        "trang_di_dong": [p for p in pages if p.get("khung_nhin") == "di-dong"],
    }


class SelfAssessmentGenerator(Generator):
    """Writes ``kha-nang-tiep-can.html`` for every site, with or without a saved run."""

    def generate_context(self):
        summary = accessibility.load(state_dir(self.settings), self.settings["PORTAL"]["id"])
        self.context["KHA_NANG_TIEP_CAN"] = view(summary)

    def generate_output(self, writer):
        writer.write_file(SAVE_AS, self.get_template(TEMPLATE), self.context, self.settings["RELATIVE_URLS"],
                          page_name=SAVE_AS.removesuffix(".html"))


def get_generators(pelican):
    """``get_generators`` receiver."""
    return SelfAssessmentGenerator


def check_settings(pelican):
    """``initialized`` receiver: a wrong QUALITY_STATE_DIR stops the build before reading starts."""
    value = pelican.settings.get("QUALITY_STATE_DIR", accessibility.STATE_DIR)
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise QualitySettingsError(f"pelicanconf.py: QUALITY_STATE_DIR phải là đường dẫn thư mục (chuỗi), "
                                   f"đang là «{value!r}».")
