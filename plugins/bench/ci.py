"""The shipped GitHub Actions pipeline (``.github/workflows/build.yml``) replayed on fresh "runners".

Three runs of the pipeline over one synthetic province kept in a git repository ("origin"):

1. **cold**: no saved state and no caches (a new repository, or every cache evicted);
2. **no change**: the state the first run saved, nothing committed since;
3. **one edit**: a paragraph added to one news item of one unit, committed.

Each job starts on a fresh runner: a new ``git clone`` of origin (full history, as ``fetch-depth: 0``),
the caches the job's ``actions/cache`` steps restore (their ``path`` lists are read from the workflow,
so the replay caches exactly what the shipped file caches), and then the job's own shell steps, run
verbatim from the workflow with the environment GitHub would give them. Artifacts and caches are copied
between runners through folders. What is not replayed: installing Python and the pinned packages (the
runner's venv is this machine's, linked), the network, and publishing (no ``PUBLISH_TARGET``).
``.gitlab-ci.yml`` runs the same commands and caches the same folders (``tests/test_ci_config.py``).

A fresh runner has a fresh disk: a runner's workspace, once its job is done, is set aside, not removed
(:mod:`bench.trash`: removing 20,000 files slows this machine's disk for what comes next).

The jobs of a run are measured one after another on this machine. On CI the build jobs run in parallel
on separate runners, so a run's wall time there is *plan + the slowest build job + finish*: the critical
path reported. The sum of every job is the CI time a run consumes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import trash
from .measure import Measurement, run

WORKFLOW = Path(".github") / "workflows" / "build.yml"
BRANCH = "main"
COMMIT_DATE = "2026-11-23T09:00:00+07:00"  # the province's commit: the build's evaluation date (HEAD's date)
EDIT_DATE = "2026-11-23T10:00:00+07:00"


@dataclass
class Job:
    """One job of one run: its steps as measured, and whether it ran to the end."""

    name: str
    steps: list[Measurement] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(m.seconds for m in self.steps)

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.steps)

    @property
    def peak_mb(self) -> float:
        return max((m.peak_mb for m in self.steps), default=0.0)

    def as_dict(self) -> dict:
        return {"ten": self.name, "giay": round(self.seconds, 3), "thanh_cong": self.ok,
                "bo_nho_dinh_mb": round(self.peak_mb, 1), "buoc": [m.as_dict() for m in self.steps]}


@dataclass
class Run:
    """One pipeline run: the plan job, the build jobs, the finish job (None when the plan found nothing)."""

    name: str
    plan: Job
    builds: list[Job] = field(default_factory=list)
    finish: Job | None = None

    @property
    def critical_path(self) -> float:
        """Wall time on CI, where the build jobs run side by side: plan + the slowest build + finish."""
        return self.plan.seconds + max((j.seconds for j in self.builds), default=0.0) + \
            (self.finish.seconds if self.finish else 0.0)

    @property
    def total(self) -> float:
        """CI time consumed: every job's time added up."""
        return sum(j.seconds for j in [self.plan, *self.builds, *([self.finish] if self.finish else [])])

    def as_dict(self) -> dict:
        return {"ten": self.name, "duong_gang_giay": round(self.critical_path, 3), "tong_giay": round(self.total, 3),
                "so_viec_xay_dung": len(self.builds), "ke_hoach": self.plan.as_dict(),
                "xay_dung": [j.as_dict() for j in self.builds],
                "hoan_tat": self.finish.as_dict() if self.finish else None}


class Caches:
    """``actions/cache`` on this machine: each saved key is a folder; restoring takes the exact key or the
    newest key with one of the restore prefixes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.saved: list[str] = []  # keys in the order they were saved

    def save(self, key: str, runner: Path, paths: list[str]) -> None:
        if key in self.saved:
            return  # a cache key is immutable once written
        target = self.folder / str(len(self.saved))
        for pattern in paths:
            for path in sorted(runner.glob(pattern)):
                copy = target / path.relative_to(runner)
                copy.parent.mkdir(parents=True, exist_ok=True)
                if path.is_dir() or path.is_file():
                    _copy(path, copy)
        target.mkdir(parents=True, exist_ok=True)
        self.saved.append(key)

    def lookup(self, prefixes: list[str]) -> int | None:
        """The index of the key a restore would take (``lookup-only: true``: nothing is downloaded)."""
        for prefix in prefixes:
            for index in range(len(self.saved) - 1, -1, -1):
                if self.saved[index].startswith(prefix):
                    return index
        return None

    def restore(self, runner: Path, prefixes: list[str]) -> str:
        """The key restored into ``runner`` ('' when none matches)."""
        index = self.lookup(prefixes)
        if index is None:
            return ""
        _copy(self.folder / str(index), runner)
        return self.saved[index]


def _copy(source: Path, target: Path) -> None:
    """``source`` (a file, or a folder merged into ``target``) copied by ``cp -a``: a cache restore or an
    artifact download is an archive unpacked by a native tool (tar), which Python's ``copytree``, at about
    three times ``cp``'s time on this machine for a province's 23,000 output files, does not stand for."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", f"{source}/.", str(target)], check=True)
    else:
        subprocess.run(["cp", "-a", str(source), str(target)], check=True)


class Pipeline:
    """The workflow of ``origin`` replayed (see the module docstring)."""

    def __init__(self, origin: Path, work: Path, env: dict):
        self.origin, self.work = origin, work
        self.workflow = yaml.safe_load((origin / WORKFLOW).read_text(encoding="utf-8"))
        self.env = {**env, "STATE_BRANCH": BRANCH, "STATE_FALLBACK": BRANCH, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        self.caches = Caches(work / "caches")
        self.artifacts = work / "artifacts"
        self.runs = 0
        self.runners = 0

    # -- the workflow file ----------------------------------------------------------------------------
    def step(self, job: str, name: str) -> dict:
        return next(s for s in self.workflow["jobs"][job]["steps"] if s.get("name") == name)

    def cache_paths(self, job: str, action: str) -> list[str]:
        """The ``path`` list of the job's ``actions/cache/<action>`` step (empty when it has none)."""
        for step in self.workflow["jobs"][job]["steps"]:
            if step.get("uses", "").startswith(f"actions/cache/{action}@"):
                return [p.strip() for p in str(step["with"]["path"]).split("\n") if p.strip()]
        return []

    # -- one run --------------------------------------------------------------------------------------
    def run(self, name: str) -> Run:
        self.runs += 1
        trash.discard(self.artifacts)
        plan_job, outputs = self._plan()
        result = Run(name, plan_job)
        if outputs.get("build") == "true":
            for entry in json.loads(outputs["include"]):
                result.builds.append(self._build(entry))
        if outputs.get("any") == "true":
            result.finish = self._finish(outputs)
        return result

    def _plan(self) -> tuple[Job, dict]:
        job, runner = Job("plan"), self._checkout()
        job.steps.append(runner.checkout)
        index = self.caches.lookup([f"state-{BRANCH}-"])  # lookup-only: the key, no download
        matched = "" if index is None else self.caches.saved[index]
        outputs = runner.path / ".github-output"
        env = {"MATCHED": matched, "FULL": "", "GITHUB_OUTPUT": str(outputs)}
        job.steps.append(runner.script("base", self.step("plan", "Base commit")["run"], env))
        base = _outputs(outputs).get("base", "")
        outputs.write_text("", encoding="utf-8")
        job.steps.append(runner.script("matrix", self.step("plan", "Affected sites")["run"],
                                       {"BASE": base, "GITHUB_OUTPUT": str(outputs)}))
        return job, {**_outputs(outputs), "base": base}

    def _build(self, entry: dict) -> Job:
        job, runner = Job(f"build ({entry['name']})"), self._checkout()
        job.steps.append(runner.checkout)
        paths = self.cache_paths("build", "restore")
        if paths:
            started = time.perf_counter()
            self.caches.restore(runner.path, [f"site-{entry['name']}-{BRANCH}-"])
            job.steps.append(Measurement("restore-cache", time.perf_counter() - started, 0.0, True))
        job.steps.append(runner.script("build", self.step("build", "Build")["run"], {"SITES": entry["sites"]}))
        # upload-artifact: output/ without the province index, the report and hidden files
        for site in (runner.path / "output").iterdir() if (runner.path / "output").is_dir() else []:
            if site.is_dir() and not site.name.startswith("."):
                _copy(site, self.artifacts / site.name)
        if paths:
            self.caches.save(f"site-{entry['name']}-{BRANCH}-{self.runs}", runner.path,
                             self.cache_paths("build", "save") or paths)
        trash.discard(runner.path)
        return job

    def _finish(self, plan: dict) -> Job:
        job, runner = Job("finish"), self._checkout()
        job.steps.append(runner.checkout)
        started = time.perf_counter()
        self.caches.restore(runner.path, [f"state-{BRANCH}-"])
        if self.artifacts.is_dir():  # download-artifact, merge-multiple into output/
            _copy(self.artifacts, runner.path / "output")
        job.steps.append(Measurement("restore-state", time.perf_counter() - started, 0.0, True))
        github_env, outputs = runner.path / ".github-env", runner.path / ".github-output"
        env = {"MATRIX_ALL": plan.get("all", ""), "MATRIX_SITES": plan.get("sites", ""),
               "MATRIX_JOB_SITES": plan.get("job_sites", ""),
               "MATRIX_REMOVED": plan.get("removed", ""), "MATRIX_BASE": plan.get("base", ""),
               "GITHUB_ENV": str(github_env)}
        job.steps.append(runner.script("complete", self.step("finish", "Complete the province's output")["run"], env))
        env.update(_outputs(github_env))
        job.steps.append(runner.script("aggregate", self.step("finish", "Aggregate into the provincial portal")["run"],
                                       env))
        # The synthetic province has compliance findings, so a real run would stop at this step; the replay
        # records its result and goes on, to measure what a province without findings runs next.
        job.steps.append(runner.script("compliance", self.step("finish", "Compliance (strict)")["run"], env))
        env.update({"GITHUB_OUTPUT": str(outputs), "GITHUB_RUN_ID": str(self.runs), "GITHUB_RUN_ATTEMPT": "1"})
        job.steps.append(runner.script("remember", self.step("finish", "Remember the state")["run"], env))
        self.caches.save(_outputs(outputs).get("key", f"state-{BRANCH}-none-{self.runs}-1"), runner.path,
                         self.cache_paths("finish", "save"))
        trash.discard(runner.path)
        return job

    def _checkout(self) -> _Runner:
        """A fresh runner, at the one workspace path every job gets, as on GitHub
        (``/home/runner/work/<repo>/<repo>``) and GitLab (``/builds/<group>/<project>``): what the build
        caches names the checkout's absolute path (the light checks, the published fingerprints), so a
        replay that cloned each job somewhere else would miss every cache a real runner hits. The jobs are
        replayed one after another; each moves its workspace aside before the next clones into it."""
        self.runners += 1
        os.sync()  # a fresh runner inherits no disk writes still being flushed from the job before (untimed)
        return _Runner(self.origin, self.work / "runners" / "workspace", self.env)


class _Runner:
    """A fresh clone of origin with this machine's venv and node packages linked (the workflow's Install
    step)."""

    def __init__(self, origin: Path, path: Path, env: dict):
        self.path, self.env = path, env
        trash.discard(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.checkout = run("checkout", ["git", "clone", "--quiet", "--no-local", str(origin), str(path)],
                            path.parent, env)
        (path / ".venv").symlink_to(Path(sys.prefix))
        modules = origin / "node_modules"  # the Install step's `npm ci`: this machine's packages, linked
        if modules.is_dir():
            (path / "node_modules").symlink_to(modules.resolve(), target_is_directory=True)

    def script(self, name: str, text: str, env: dict) -> Measurement:
        return run(name, ["bash", "-e", "-c", text], self.path, {**self.env, **env})


def _outputs(path: Path) -> dict:
    """``name=value`` lines of a $GITHUB_OUTPUT or $GITHUB_ENV file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return dict(line.split("=", 1) for line in lines if "=" in line)


def make_origin(project: Path, origin: Path) -> None:
    """``project`` (content, code, settings, the workflow) as a git repository with one commit."""
    trash.discard(origin)
    shutil.copytree(project, origin, symlinks=True,
                    ignore=shutil.ignore_patterns("output", ".cache", "__pycache__", "*.pyc"))
    _git(origin, "init", "--quiet", "--initial-branch", BRANCH)
    _commit(origin, "Tỉnh mẫu", COMMIT_DATE)
    _git(origin, "gc", "--quiet")  # packed, as a forge keeps it: a clone then sends the pack as it is


def edit(origin: Path, site: str = "don-vi-001") -> str:
    """A paragraph added to the first news item of ``site``, committed; returns its path."""
    item = sorted((origin / "content" / site / "tin-tuc").glob("*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\nCập nhật: bổ sung một đoạn thông tin mới.\n",
                    encoding="utf-8")
    _commit(origin, "Bổ sung tin", EDIT_DATE)
    _git(origin, "gc", "--quiet")
    return str(item.relative_to(origin))


def _commit(origin: Path, message: str, date: str) -> None:
    _git(origin, "add", "--all")
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    _git(origin, "-c", "user.name=Bench", "-c", "user.email=bench@example.vn", "commit", "--quiet", "-m", message,
         env=env)


def _git(root: Path, *args: str, env: dict | None = None) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def replay(work: Path, env: dict, edited_site: str = "don-vi-001") -> list[Run]:
    """The three runs (cold, no change, one edit) of the workflow over ``work/origin`` (:func:`make_origin`)."""
    for name in ("caches", "artifacts", "runners"):
        trash.discard(work / name)
    origin = work / "origin"
    pipeline = Pipeline(origin, work, env)
    runs = [pipeline.run("ci_cold"), pipeline.run("ci_nochange")]
    edit(origin, edited_site)
    runs.append(pipeline.run("ci_one_edit"))
    trash.discard(work / "runners")
    return runs
