"""Which sites a change affects: the plan of a CI run (``invoke matrix``).

``plan`` is a pure function over repository-relative paths that changed and the province's sites, so
it is easy to test; ``git_changes`` and ``read_sites`` gather those inputs from a work tree. The rules:

- a change under ``content/<site>/`` affects that site;
- a change to the build machinery (``SHARED``: the theme, the plugins, the settings files, the pinned
  requirements, ``tasks.py``, the npm manifest) affects every site;
- a change to the rule sets of a provincial site (``content/<site of level tinh>/quy-che/``) affects
  every site, because those rules apply to every portal of the province and each portal publishes its
  compliance report;
- the provincial site (level ``tinh``, holding ``tong_hop``) is included whenever any site is affected
  or removed, because it aggregates them all. It gets no build job of its own: the finish job builds it
  while aggregating (``invoke aggregate`` renders the provincial site), from the output the last finish
  published, so only what changed is rendered again. ``job_sites`` are the sites the build jobs build;
- a site whose folder changed and that no longer has a ``site.yaml`` was removed (its ``site.yaml`` is
  among the changes, so it had one before): it is listed under ``removed``, not built;
- a site with an item whose scheduled date (``ngay``) passed since the base was built is affected too:
  no commit marks that moment, and the hourly scheduled run must publish it (``reason.due``);
- anything else (``docs/``, ``tests/``, CI files...) affects no site and is listed as ``ignored``.

The JSON printed by ``invoke matrix`` (``Plan.as_dict``)::

    {"since": "HEAD~1", "base": "<commit>", "all": false, "sites": ["stp", "thanhvan"],
     "province": "thanhvan", "removed": [], "changed": 2,
     "reason": {"full": false, "shared": [], "rules": [], "content": {"stp": ["content/stp/tin-tuc/a.md"]},
                "due": {}, "province": "thanhvan", "ignored": ["docs/a.md"]},
     "job_sites": ["stp"], "include": [{"name": "stp", "sites": "stp"}]}

``include`` is a CI job list (GitHub Actions ``strategy.matrix.include``): one entry per site of
``job_sites``, or, above ``max_jobs`` sites, contiguous groups of sites per job. Path lists in ``reason`` keep at most
``MAX_PATHS`` entries each; ``changed`` counts every changed path.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import math
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

CONTENT = "content"
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # the zone of the dates editors write (portal.schedule)
SITE_FILE = "site.yaml"
PROVINCE_LEVEL = "tinh"
RULES_DIR = "quy-che"  # the province's own rule sets; same name as compliance.rules.LOCAL_DIR
# Paths (folders end with "/") and file-name patterns whose change affects every site.
SHARED = ("themes/", "plugins/", "pelicanconf.py", "publishconf.py", "tasks.py", "requirements*.txt",
          "requirements*.lock", "package*.json")
MAX_PATHS = 20
# GitHub Actions runs at most 256 jobs per matrix; GitLab instances cap jobs per pipeline.
DEFAULT_MAX_JOBS = 200


class UnknownRef(Exception):
    """``--since`` names no commit of the repository (or the folder is not a git work tree)."""


@dataclass(frozen=True)
class SiteInfo:
    """What the plan needs to know of a site: its id, its level (``cap``) and whether it aggregates."""

    id: str
    level: str = ""
    aggregates: bool = False


@dataclass
class Plan:
    """The sites to build and why."""

    sites: list[str]
    all: bool
    province: str | None
    removed: list[str]
    changed: int
    reason: dict = field(default_factory=dict)

    @property
    def job_sites(self) -> list[str]:
        """The sites built by build jobs: every affected site but the provincial one, which the finish job
        builds as it aggregates the others."""
        return [s for s in self.sites if s != self.province]

    def include(self, max_jobs: int = DEFAULT_MAX_JOBS) -> list[dict]:
        """CI jobs over ``job_sites``: one per site, or contiguous groups when there are more than ``max_jobs``."""
        sites = self.job_sites
        if not sites:
            return []
        size = math.ceil(len(sites) / max(1, max_jobs))
        chunks = [sites[i:i + size] for i in range(0, len(sites), size)]
        return [{"name": c[0] if len(c) == 1 else f"{c[0]}..{c[-1]}", "sites": " ".join(c)} for c in chunks]

    def as_dict(self, since: str = "", base: str = "", max_jobs: int = DEFAULT_MAX_JOBS) -> dict:
        """The JSON document of ``invoke matrix`` (see the module docstring)."""
        return {"since": since, "base": base, "all": self.all, "sites": self.sites, "province": self.province,
                "removed": self.removed, "changed": self.changed, "reason": self.reason,
                "job_sites": self.job_sites, "include": self.include(max_jobs)}


def province_of(sites: Sequence[SiteInfo]) -> str | None:
    """The provincial site: level ``tinh`` and holding the aggregation registry (as ``invoke aggregate``)."""
    return next((s.id for s in sorted(sites, key=lambda s: s.id) if s.level == PROVINCE_LEVEL and s.aggregates),
                None)


def is_shared(path: str) -> bool:
    """Whether a change to ``path`` affects every site (the theme, plugins, settings, pinned packages...)."""
    for entry in SHARED:
        if entry.endswith("/"):
            if path.startswith(entry):
                return True
        elif "/" not in path and fnmatch.fnmatchcase(path, entry):
            return True
    return False


def plan(changed: Iterable[str], sites: Sequence[SiteInfo], everything: bool = False,
         due: Mapping[str, list[str]] | None = None) -> Plan:
    """The sites affected by ``changed`` (paths relative to the project root, as git prints them).

    Args:
        changed: paths that differ between the base commit and the work tree (deleted ones included).
        sites: the sites of the work tree as it is now.
        everything: no base to compare with: every site is affected.
        due: site → items whose scheduled date passed since the base was built (``schedule.fell_due``):
            those sites are affected although no commit touched them.
    Returns:
        The plan: sorted site ids, whether that is every site, the province, removed sites and reasons.
    """
    paths = sorted({_normal(p) for p in changed if _normal(p)})
    by_id = {s.id: s for s in sites}
    province = province_of(sites)
    # A folder whose site.yaml changed but is gone now had a site.yaml before: that site was removed.
    removed = {p.split("/")[1] for p in paths
               if p.count("/") == 2 and p.startswith(f"{CONTENT}/") and p.endswith(f"/{SITE_FILE}")
               and p.split("/")[1] not in by_id}
    shared, rules, ignored, content = [], [], [], {}
    for path in paths:
        parts = PurePosixPath(path).parts
        site_id = parts[1] if len(parts) >= 3 and parts[0] == CONTENT else None
        if is_shared(path):
            shared.append(path)
        elif site_id is None:
            ignored.append(path)
        elif site_id in removed:
            if parts[2] == RULES_DIR:
                rules.append(path)  # a removed province's rules stop applying: every site changes
        elif site_id in by_id:
            if parts[2] == RULES_DIR and by_id[site_id].level == PROVINCE_LEVEL:
                rules.append(path)
            content.setdefault(site_id, []).append(path)
        else:
            ignored.append(path)  # a folder without site.yaml, then and now: not a site
    due = {site: sorted(paths) for site, paths in (due or {}).items() if site in by_id and paths}
    every = everything or bool(shared) or bool(rules)
    affected = set(by_id) if every else set(content) | set(due)
    if province and (affected or removed):
        affected.add(province)
    reason = {
        "full": everything,
        "shared": shared[:MAX_PATHS],
        "rules": rules[:MAX_PATHS],
        "content": {s: ps[:MAX_PATHS] for s, ps in sorted(content.items())},
        "due": {s: ps[:MAX_PATHS] for s, ps in sorted(due.items())},
        "province": province if province in affected else None,
        "ignored": ignored[:MAX_PATHS],
    }
    return Plan(sorted(affected), every and bool(by_id), province, sorted(removed), len(paths), reason)


def _normal(path: str) -> str:
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


def resolve(root: Path, ref: str) -> str:
    """The commit ``ref`` names in the repository holding ``root``; ``UnknownRef`` if none."""
    if ref.startswith("-"):
        raise UnknownRef(ref)
    proc = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if proc.returncode != 0 or not proc.stdout.strip():
        raise UnknownRef(ref)
    return proc.stdout.strip()


def git_changes(root: Path, ref: str) -> tuple[str, list[str]]:
    """The resolved base commit and the paths (relative to ``root``) changed since ``ref``.

    Tracked files: ``git diff --name-only --no-renames`` between ``ref`` and the work tree (so a rename
    lists both names, and a removed site shows its old ``site.yaml``); plus untracked, not ignored files
    under ``content/`` (new items an editor has not committed yet).
    """
    base = resolve(root, ref)
    # -z: names exactly as they are (no C-style quoting of Vietnamese letters), NUL-separated.
    diff = _git(root, "diff", "--name-only", "-z", "--no-renames", "--relative", base, "--")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", f"{CONTENT}/")
    for proc in (diff, untracked):
        if proc.returncode != 0:
            raise UnknownRef(f"{ref}: {proc.stderr.strip()}")
    paths = diff.stdout.split("\0") + untracked.stdout.split("\0")
    return base, [p for p in paths if p]


def commit_time(root: Path, commit: str) -> dt.datetime:
    """When ``commit`` was made, in Vietnam time (naive, like the dates editors write)."""
    proc = _git(root, "show", "-s", "--format=%ct", commit)
    if proc.returncode != 0:
        raise UnknownRef(f"{commit}: {proc.stderr.strip()}")
    return dt.datetime.fromtimestamp(int(proc.stdout.strip()), VIETNAM).replace(tzinfo=None)


def read_sites(content_dir: Path) -> list[SiteInfo]:
    """Every folder of ``content_dir`` with a ``site.yaml``, read leniently: a site with errors in its
    ``site.yaml`` is still a site to build (its build job reports the errors)."""
    import yaml

    found = []
    if not content_dir.is_dir():
        return found
    for child in sorted(content_dir.iterdir()):
        config_file = child / SITE_FILE
        if child.name.startswith(".") or not config_file.is_file():
            continue
        try:
            config = yaml.safe_load(config_file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            config = None
        config = config if isinstance(config, dict) else {}
        found.append(SiteInfo(child.name, str(config.get("cap") or ""), bool(config.get("tong_hop"))))
    return found


def gitlab_pipeline(matrix: dict, template: str = ".gitlab-ci.yml") -> dict:
    """A GitLab child pipeline for ``matrix`` (the dict of ``Plan.as_dict``).

    It includes ``template`` (which defines the hidden ``.build-site`` job and the ``finish`` job) and
    adds one ``build: <name>`` job per entry of ``include``; the plan travels as variables.
    """
    pipeline: dict = {
        "include": [{"local": template}],
        "variables": {
            "MATRIX_ANY": "true" if matrix["sites"] or matrix["removed"] else "false",
            "MATRIX_ALL": "true" if matrix["all"] else "false",
            "MATRIX_SITES": " ".join(matrix["sites"]),
            "MATRIX_JOB_SITES": " ".join(matrix["job_sites"]),
            "MATRIX_REMOVED": " ".join(matrix["removed"]),
            "MATRIX_BASE": matrix.get("base") or "",
        },
    }
    for job in matrix["include"]:
        pipeline[f"build: {job['name']}"] = {"extends": ".build-site", "variables": {"SITES": job["sites"]}}
    if not matrix["include"]:
        pipeline["nothing to build"] = {"stage": "build", "before_script": [], "script": [
            "echo 'Không có cổng nào bị ảnh hưởng bởi thay đổi này.'"]}
    return pipeline


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError as exc:  # git itself is missing
        raise UnknownRef(str(exc)) from None
