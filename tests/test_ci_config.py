"""The shipped CI configurations: actionlint for GitHub Actions, GitLab's CI schema, and their shell steps."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal import matrix

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
STATE_PATHS = {".cache/ci-output", ".cache/tong-hop", ".cache/ci-state", ".cache/build", ".cache/jinja"}
SITE_PATHS = {"output", ".cache/build", ".cache/jinja"}  # a build job's last build of its sites


def tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert path, f"{name} is missing: pip install -r requirements-dev.txt"
    return path


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s.get("name") == name)


def test_actionlint_accepts_the_workflow():
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    tool("shellcheck")  # actionlint checks every run: script with it when it is on PATH
    proc = subprocess.run([tool("actionlint"), "-color=false", str(WORKFLOW)], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gitlab_ci_and_generated_child_pipelines_match_the_schema(tmp_path):
    sites = matrix.read_sites(ROOT / "content")
    plans = {
        "one-site": matrix.plan(["content/stp/tin-tuc/a.md"], sites).as_dict("HEAD~1", "0" * 40),
        "grouped": matrix.plan([], sites, everything=True).as_dict(max_jobs=2),
        "nothing": matrix.plan(["docs/scaling.md"], sites).as_dict("HEAD~1", "0" * 40),
        "removed": matrix.plan(["content/cu/site.yaml"], sites).as_dict("HEAD~1", "0" * 40),
    }
    files = [str(GITLAB)]
    for name, document in plans.items():
        child = tmp_path / f"{name}.yml"
        child.write_text(yaml.safe_dump(matrix.gitlab_pipeline(document), allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
        files.append(str(child))
    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", *files],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    grouped = yaml.safe_load((tmp_path / "grouped.yml").read_text(encoding="utf-8"))
    # The provincial site (thanhvan) has no build job: the finish job builds it as it aggregates.
    assert [k for k in grouped if k.startswith("build: ")] == ["build: hosen..skhcn", "build: stp..tanhoa"]
    assert grouped["variables"]["MATRIX_ALL"] == "true"
    assert grouped["variables"]["MATRIX_JOB_SITES"] == "hosen skhcn stp tanhoa"
    assert "thanhvan" in grouped["variables"]["MATRIX_SITES"]
    nothing = yaml.safe_load((tmp_path / "nothing.yml").read_text(encoding="utf-8"))
    assert nothing["variables"]["MATRIX_ANY"] == "false" and "nothing to build" in nothing


def test_the_schema_check_catches_a_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(GITLAB.read_text(encoding="utf-8").replace("interruptible: false", "interruptable: false"),
                   encoding="utf-8")
    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "interruptable" in proc.stdout


def test_both_pipelines_plan_build_each_site_aggregate_check_and_publish():
    for text in (WORKFLOW.read_text(encoding="utf-8"), GITLAB.read_text(encoding="utf-8")):
        for command in ('invoke matrix --since "$', "invoke build --production", "invoke aggregate --production",
                        "invoke compliance --strict", "rsync --archive --checksum --delete",
                        "pip install --require-hashes -r requirements.lock"):
            assert command in text, command
    jobs = workflow()["jobs"]
    assert jobs["build"]["needs"] == "plan" and jobs["build"]["strategy"]["fail-fast"] is False
    assert set(matrix.Plan(["a"], False, None, [], 1).include()[0]) == {"name", "sites"}
    assert "${{ matrix.name }}" in jobs["build"]["name"]
    assert step(jobs["build"], "Build")["env"]["SITES"] == "${{ matrix.sites }}"
    assert "github.ref_name == github.event.repository.default_branch" in step(jobs["finish"], "Publish")["if"]
    config = gitlab()
    assert config[".build-site"]["stage"] == "build" and config["finish"]["stage"] == "finish"
    assert config["sites"]["trigger"]["include"] == [{"artifact": "child-pipeline.yml", "job": "plan"}]


def test_saved_state_has_the_same_paths_everywhere():
    # A GitHub cache is found only by a step listing exactly the same paths as the step that saved it.
    jobs = workflow()["jobs"]
    caches = [s for job in jobs.values() for s in job["steps"] if s.get("uses", "").startswith("actions/cache/")]
    assert len(caches) == 5
    for cache in caches:
        site = cache["with"]["key"].startswith("site-")
        assert set(cache["with"]["path"].split()) == (SITE_PATHS if site else STATE_PATHS), cache
    # Each build job restores the cache it saves: its own sites' last build, by the job's name.
    build = [c for c in caches if c["with"]["key"].startswith("site-")]
    assert [c["uses"].split("@")[0] for c in build] == ["actions/cache/restore", "actions/cache/save"]
    assert all("${{ matrix.name }}" in c["with"]["key"] for c in build)
    assert build[1]["with"]["key"].startswith(build[0]["with"]["key"])
    caches = {c["key"]: set(c["paths"]) for c in gitlab()["finish"]["cache"] if isinstance(c["key"], str)}
    assert {p.rstrip("/") for p in caches["state-$CI_COMMIT_REF_SLUG"]} == STATE_PATHS
    site = {c["key"]: set(c["paths"]) for c in gitlab()[".build-site"]["cache"] if isinstance(c["key"], str)}
    assert {p.rstrip("/") for p in site["site-$CI_JOB_NAME_SLUG-$CI_COMMIT_REF_SLUG"]} == SITE_PATHS


def run_script(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


def saved_state(root: Path, commit: str) -> None:
    """A saved state of four sites and the province (tinh) whose new build of stp failed (no artifact)."""
    for site in ("hosen", "stp", "thanhvan", "cu", "tinh"):
        (root / ".cache" / "ci-output" / site).mkdir(parents=True)
        (root / ".cache" / "ci-output" / site / "index.html").write_text("bản cũ", encoding="utf-8")
    (root / ".cache" / "ci-output" / "index.html").write_text("trang chuyển hướng", encoding="utf-8")
    (root / ".cache" / "ci-state").write_text(commit + "\n", encoding="utf-8")
    (root / ".cache" / "build").mkdir(parents=True)
    (root / ".cache" / "build" / "published.pickle").write_bytes(b"ban ghi xuat ban")
    (root / "output" / "thanhvan").mkdir(parents=True)
    (root / "output" / "thanhvan" / "index.html").write_text("bản mới", encoding="utf-8")


def assert_completed(root: Path) -> None:
    read = lambda site: (root / "output" / site / "index.html").read_text(encoding="utf-8")  # noqa: E731
    assert read("thanhvan") == "bản mới"  # rebuilt: the artifact wins
    assert read("stp") == "bản cũ"  # its build failed: last good output kept
    assert read("hosen") == "bản cũ"  # not affected: carried over from the saved state
    # The province has no build job: what the last finish published, with the record that describes it, so
    # the aggregation renders only what changed.
    assert read("tinh") == "bản cũ"
    assert (root / ".cache" / "build" / "published.pickle").is_file()
    assert (root / "output" / "index.html").read_text(encoding="utf-8") == "trang chuyển hướng"
    assert not (root / "output" / "cu").exists() and not (root / ".cache" / "ci-output" / "cu").exists()


MATRIX_ENV = {"MATRIX_ALL": "false", "MATRIX_SITES": "stp thanhvan tinh", "MATRIX_JOB_SITES": "stp thanhvan",
              "MATRIX_REMOVED": "cu", "MATRIX_BASE": "abc123"}


def test_github_finish_completes_the_output_from_the_saved_state(tmp_path):
    saved_state(tmp_path, "abc123")
    script = step(workflow()["jobs"]["finish"], "Complete the province's output")["run"]
    github_env = tmp_path / "github-env"
    proc = run_script(script, tmp_path, {**MATRIX_ENV, "GITHUB_ENV": str(github_env)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_completed(tmp_path)
    assert github_env.read_text(encoding="utf-8").split() == ["MISSING=", "stp"]
    assert "Cổng chưa xây dựng được, giữ bản cũ: stp" in proc.stdout


def test_gitlab_finish_completes_the_output_from_the_saved_state(tmp_path):
    saved_state(tmp_path, "abc123")
    proc = run_script(gitlab()["finish"]["script"][0], tmp_path, MATRIX_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_completed(tmp_path)
    assert "Cổng chưa xây dựng được, giữ bản cũ: stp" in proc.stdout


@pytest.mark.parametrize("matched,expected", [("state-nhanh-moi-{head}-123-1", "{head}"),
                                              ("state-main-none-123-1", ""), ("", "")])
def test_github_plan_reads_the_base_commit_from_the_state_key(tmp_path, matched, expected):
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    script = step(workflow()["jobs"]["plan"], "Base commit")["run"]
    output = tmp_path / "github-output"
    proc = run_script(script, ROOT, {"MATCHED": matched.format(head=head), "FULL": "",
                                     "GITHUB_OUTPUT": str(output)})
    assert proc.returncode == 0, proc.stderr
    assert output.read_text(encoding="utf-8") == f"base={expected.format(head=head)}\n"


def test_finish_renders_every_site_in_full_when_the_saved_state_is_of_another_commit(tmp_path):
    """A saved state older than the plan's base: the record of what was published no longer describes the
    output, so it is dropped before every site is built again (here the build itself cannot run: no venv)."""
    saved_state(tmp_path, "cu-hon")
    script = step(workflow()["jobs"]["finish"], "Complete the province's output")["run"]
    proc = run_script(script, tmp_path, {**MATRIX_ENV, "GITHUB_ENV": str(tmp_path / "github-env")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "không khớp mốc so sánh (abc123): xây dựng lại mọi cổng" in proc.stdout
    assert not (tmp_path / ".cache" / "build" / "published.pickle").exists()
    proc = run_script(gitlab()["finish"]["script"][0], tmp_path, MATRIX_ENV)
    assert proc.returncode == 0 and "xây dựng lại mọi cổng" in proc.stdout
