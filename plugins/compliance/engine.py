"""Evaluate the province's portals against the rules in force on a date.

``evaluate`` is the pipeline: read every site → load rule sets → for each site pick the rules in
force for its level (plus its own danh mục) → run each rule's check → collect findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from portal import check, history, sites
from portal.cache import code_version, read_pickle, write_pickle
from portal.dates import parse_date
from portal.project import Project
from quality.self_assessment import runs_folder

from . import rules
from .calendar import WorkingCalendar
from .checks import CHECKS
from .checks.context import Settings, SiteContext
from .model import STATES, Finding, ordered

REPORT_VERSION = "1.1"  # 1.1: ky_bao_cao in each finding


@dataclass
class SiteEvaluation:
    site_id: str
    config: dict
    findings: list[Finding] = field(default_factory=list)
    rule_sets: list[str] = field(default_factory=list)

    def ordered_findings(self) -> list[Finding]:
        return ordered(self.findings)

    def counts(self) -> dict[str, int]:
        return {state: sum(f.trang_thai == state for f in self.findings) for state in STATES}


@dataclass
class Evaluation:
    as_of: dt.date
    sites: list[SiteEvaluation]
    rule_sets: list[rules.RuleSet]
    problems: list = field(default_factory=list)          # rule set files that cannot be used
    content_problems: list = field(default_factory=list)  # content files left out of the evaluation

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.sites for f in s.findings]

    def used_rule_sets(self) -> list[rules.RuleSet]:
        used = {name for s in self.sites for name in s.rule_sets}
        return [r for r in self.rule_sets if r.ma in used]


def read_province(project: Project, wanted: set[str] | None = None, known: dict | None = None) -> dict:
    """Site id → SiteCheck; sites outside ``wanted`` are read only for their site.yaml and văn bản,
    which is all that cross-site rules need. ``known``: light checks a build of this run has just made
    (:attr:`portal.build.ProvinceResult.checks`), taken as they are instead of being read again."""
    site_dirs, _ = sites.discover(project.content, project.root)
    wanted = wanted or {d.name for d in site_dirs}
    known = known or {}

    def read(site_dir):
        if site_dir.name in known and known[site_dir.name].sections is None:
            return known[site_dir.name]
        if site_dir.name in wanted:  # compliance reads fields, never bodies: each site's light form only
            return check.light_check(site_dir, project.root, project.folder("build"), settings=project.settings)
        return check.check_site(site_dir, project.root, sections=("van-ban",), settings=project.settings).light()

    return {d.name: read(d) for d in site_dirs}


def evaluate(project: Project, as_of: dt.date, site_ids: list[str] | None = None,
             settings: Settings | None = None, use_git: bool = True, checked: dict | None = None,
             evidence: dict | None = None) -> Evaluation:
    """Findings for every site (or the given ones) of the province of ``project``, as of ``as_of``.

    ``checked`` (site id → SiteCheck, see :func:`read_province`) and ``evidence`` (git history) may be
    passed in by a caller that already has them, such as the province build.
    """
    settings = settings or Settings()
    root = project.root
    # 1. Read every site: the province's documents and sites are needed for cross-site rules.
    if checked is None:
        checked = read_province(project, set(site_ids) if site_ids else None)
    if evidence is None:
        evidence = history.read(root) if use_git else {}
    runs = runs_folder(project)  # the quality gates' saved runs (the accessibility self-assessment)
    # The same inputs give the same evaluation: reuse it (a body-only edit changes none of them).
    key = _inputs_key(root, as_of, site_ids, settings, checked, evidence, runs)
    store = project.folder("build") / "danh-gia"
    if key is not None:
        cached = read_pickle(store / f"{key}.pickle")
        if isinstance(cached, Evaluation):
            return cached
    result = _evaluate(root, as_of, site_ids, settings, checked, evidence, runs)
    if key is not None:
        write_pickle(store / f"{key}.pickle", result)
        for old in sorted(store.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-KEEP_EVALUATIONS]:
            old.unlink(missing_ok=True)
    return result


KEEP_EVALUATIONS = 12


def _inputs_key(root: Path, as_of: dt.date, site_ids, settings: Settings, checked: dict, evidence: dict,
                runs: Path) -> str | None:
    """Hash of everything an evaluation reads, or None when a site's metadata digest is unknown:
    code and rules (code_version), the date, the options, each site's metadata and problems, the git
    evidence, the provincial quy chế files and the saved quality-gate runs."""
    if any(not getattr(c, "metadata", "") for c in checked.values()):
        return None
    folders = sorted(p.name for p in (root / "content").iterdir()) if (root / "content").is_dir() else []
    digest = hashlib.sha1(json.dumps([code_version(), str(root.resolve()), folders, as_of.isoformat(),
                                      sorted(site_ids or []), repr(settings)]).encode())
    for sid in sorted(checked):
        c = checked[sid]
        digest.update(f"{sid}\0{c.metadata}\0".encode())
        digest.update(json.dumps([p.as_dict() for p in c.problems], sort_keys=True, default=str).encode())
    digest.update(json.dumps(sorted((k, repr(v)) for k, v in evidence.items())).encode())
    extra = sorted(root.glob(f"content/*/{rules.LOCAL_DIR}/**/*")) + sorted(runs.rglob("*.json"))
    for path in extra:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _evaluate(root: Path, as_of: dt.date, site_ids, settings: Settings, checked: dict, evidence: dict,
              runs: Path) -> Evaluation:
    _, problems = sites.discover(root / "content", root)
    wanted = set(site_ids or checked)
    configs = {sid: c.site.config for sid, c in checked.items() if c.site}
    documents = {d.fields["so_ky_hieu"].casefold(): d for c in checked.values() for d in c.documents
                 if d.type.id == "van-ban" and d.status != "draft"}
    # 2. Rule sets: national, plus each provincial site's quy chế folder.
    local = [root / "content" / sid / rules.LOCAL_DIR for sid, c in configs.items() if c["cap"] == "tinh"]
    rule_sets, rule_problems = rules.load_all(root, [d for d in local if d.is_dir()])
    problems += rule_problems
    calendar = WorkingCalendar.from_file()
    versions = rules.versions(rule_sets)
    # 3. Each site against the rules in force for its level on the date.
    evaluations = []
    for site_id in sorted(site_ids or configs):
        if site_id not in configs:
            continue
        config = configs[site_id]
        ctx = SiteContext(site_id, config, checked[site_id].documents, as_of, calendar, evidence, settings,
                          documents, configs, versions, root, runs)
        until = parse_date(str((config.get("hieu_luc") or {}).get("den_ngay", "")))
        selected = rules.applicable(rule_sets, config["cap"], as_of, until)
        for page in ctx.published(page_kind="tiep-can-thong-tin"):
            selected += rules.contract_rules(site_id, config["cap"], page, page.rel)
        evaluation = SiteEvaluation(site_id, config, rule_sets=sorted({r.bo_quy_tac for r in selected}))
        for rule in selected:
            evaluation.findings.extend(CHECKS[rule.kiem_tra](rule, ctx))
        # A period is judged by the version of its rule in force at the period's date (checks/periodic.py).
        evaluation.rule_sets = sorted(set(evaluation.rule_sets) | {f.rule.bo_quy_tac for f in evaluation.findings})
        evaluations.append(evaluation)
    skipped = [p for sid in wanted for p in (checked[sid].problems if sid in checked else [])]
    return Evaluation(as_of, evaluations, rule_sets, problems, skipped)
