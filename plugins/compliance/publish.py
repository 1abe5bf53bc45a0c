"""Publish the compliance report inside each site: ``tuan-thu/index.html`` and ``tuan-thu/bao-cao.json``.

The provincial site (level ``tinh``) also gets the province-wide page ``tuan-thu/toan-tinh.html``.
The evaluation date is fixed per commit (the HEAD commit's date, or ``COMPLIANCE['NGAY_DANH_GIA']``),
so two builds of the same commit publish the same report.
"""

from __future__ import annotations

import datetime as dt
import os

from pelican.generators import Generator

from portal import contract, history, jsonfmt, project

from . import html_report, reports, settings
from .engine import evaluate

DECLARATION = contract.Declaration(
    "compliance",
    settings=(contract.Setting("COMPLIANCE", "evaluation options: keys and defaults in compliance/settings.py"),),
    context=(contract.ContextVariable("TUAN_THU", contract.Incremental.OTHER_SITES,
                                      "the site's compliance report (the whole province's on the provincial site)"),),
    pages=(contract.Page("tuan-thu/index.html", "tuan-thu"), contract.Page("tuan-thu/toan-tinh.html", "tuan-thu-tinh"),
           contract.ProvincePage(f"{reports.REPORT_FOLDER}/", html_report.TEMPLATE)),  # invoke compliance's report
)


class ComplianceGenerator(Generator):
    """Evaluates this site (the whole province for the provincial site) and writes the report pages."""

    def generate_context(self):
        typed, fixed = settings.read(self.settings)
        here = project.of(self.settings)
        as_of = fixed or self.settings.get("PORTAL_AS_OF") or history.head_date(here.root) or dt.date.today()
        site = self.settings["PORTAL"]
        whole = site["cap"] == "tinh"
        # The province build passes the sites it has already checked and the git history it has read.
        evaluation = evaluate(here, as_of, None if whole else [site["id"]], typed,
                              checked=self.settings.get("PORTAL_PROVINCE"),
                              evidence=self.settings.get("PORTAL_EVIDENCE"))
        own = next((s for s in evaluation.sites if s.site_id == site["id"]), None)
        self.context["TUAN_THU"] = {"ngay": as_of, "cong": own, "toan_tinh": evaluation if whole else None,
                                    "bo_quy_tac": evaluation.used_rule_sets()}
        self._evaluation = evaluation

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        writer.write_file("tuan-thu/index.html", self.get_template("tuan-thu"), self.context, relative,
                          page_name="tuan-thu/index")
        data = reports.as_json(self._evaluation)
        if self.context["TUAN_THU"]["toan_tinh"] is not None:
            writer.write_file("tuan-thu/toan-tinh.html", self.get_template("tuan-thu-tinh"), self.context, relative,
                              page_name="tuan-thu/toan-tinh")
        else:
            data["cong"] = [s for s in data["cong"] if s["ma"] == self.settings["PORTAL"]["id"]]
        path = os.path.join(self.settings["OUTPUT_PATH"], "tuan-thu", "bao-cao.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(jsonfmt.dumps(data) + "\n")


def get_generators(pelican):
    """``get_generators`` receiver."""
    return ComplianceGenerator


def check_settings(pelican):
    """``initialized`` receiver: a wrong COMPLIANCE setting stops the build before reading starts."""
    settings.read(pelican.settings)
