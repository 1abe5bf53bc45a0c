"""`invoke matrix`: which sites a change affects, for the per-site CI jobs (docs/scaling.md)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_case

from compliance import rules
from portal import matrix
from portal.matrix import SiteInfo, plan

ROOT = Path(__file__).resolve().parents[1]
SITES = [SiteInfo("hosen", "xa"), SiteInfo("stp", "so-nganh"), SiteInfo("thanhvan", "tinh", aggregates=True)]
PROVINCE_SITE = """ten_day_du: Ủy ban nhân dân tỉnh Mẫu
cap: tinh
tong_hop:
  nguon:
    - cong: so-mau
    - cong: xa-loi
"""


def test_content_change_affects_its_site_and_the_province():
    result = plan(["content/stp/tin-tuc/2026-03-01-tin.md", "content/stp/anh/a.svg"], SITES)
    assert result.sites == ["stp", "thanhvan"] and not result.all
    assert result.province == "thanhvan" and result.removed == []
    assert result.reason["content"] == {"stp": ["content/stp/anh/a.svg", "content/stp/tin-tuc/2026-03-01-tin.md"]}
    assert result.reason["province"] == "thanhvan"
    # The province is built by the finish job, as it aggregates: no build job of its own.
    assert result.job_sites == ["stp"] and result.include() == [{"name": "stp", "sites": "stp"}]


def test_province_content_change_builds_only_the_province():
    result = plan(["content/thanhvan/tin-tuc/a.md"], SITES)
    assert result.sites == ["thanhvan"] and not result.all
    assert result.include() == [] and result.as_dict()["job_sites"] == []  # the finish job alone builds it


@pytest.mark.parametrize("path", ["themes/cong-thong-tin/static/css/portal.css", "plugins/portal/build.py",
                                  "pelicanconf.py", "publishconf.py", "tasks.py", "requirements.txt",
                                  "requirements-dev.txt", "requirements.lock", "package.json",
                                  "package-lock.json"])
def test_machinery_change_affects_every_site(path):
    result = plan([path, "content/stp/tin-tuc/a.md"], SITES)
    assert result.all and result.sites == ["hosen", "stp", "thanhvan"]
    assert result.reason["shared"] == [path]


def test_province_rule_sets_affect_every_site():
    result = plan(["content/thanhvan/quy-che/quy-che-tinh.yaml"], SITES)
    assert result.all and result.sites == ["hosen", "stp", "thanhvan"]
    assert result.reason["rules"] == ["content/thanhvan/quy-che/quy-che-tinh.yaml"]
    assert matrix.RULES_DIR == rules.LOCAL_DIR


def test_a_quy_che_folder_outside_the_province_is_plain_content():
    result = plan(["content/stp/quy-che/x.yaml"], SITES)
    assert result.sites == ["stp", "thanhvan"] and not result.all


def test_deleted_site_is_removed_not_built():
    changed = ["content/tanhoa/site.yaml", "content/tanhoa/tin-tuc/a.md", "content/tanhoa/quy-che/x.yaml"]
    result = plan(changed, SITES)
    assert result.removed == ["tanhoa"]
    assert "tanhoa" not in result.sites
    # its rule sets stop applying too (a removed province): every remaining site is rebuilt
    assert result.all and result.reason["rules"] == ["content/tanhoa/quy-che/x.yaml"]
    only_items = plan(["content/tanhoa/site.yaml", "content/tanhoa/tin-tuc/a.md"], SITES)
    assert only_items.removed == ["tanhoa"] and only_items.sites == ["thanhvan"] and not only_items.all


def test_changes_outside_the_sites_affect_nothing():
    result = plan(["docs/scaling.md", "tests/test_matrix.py", "README.md", "content/nhap/ghi-chu.md"], SITES)
    assert result.sites == [] and result.removed == [] and not result.all
    assert result.include() == []
    assert result.reason["ignored"] == ["README.md", "content/nhap/ghi-chu.md", "docs/scaling.md",
                                        "tests/test_matrix.py"]


def test_no_base_means_every_site_and_many_sites_are_grouped():
    sites = [SiteInfo(f"xa-{i:03d}", "xa") for i in range(450)] + [SiteInfo("tinh", "tinh", aggregates=True)]
    result = plan([], sites, everything=True)
    assert result.all and len(result.sites) == 451 and result.reason["full"]
    jobs = result.include(max_jobs=200)
    assert len(jobs) <= 200
    assert [s for j in jobs for s in j["sites"].split()] == result.job_sites == result.sites[1:]
    assert jobs[0] == {"name": "xa-000..xa-002", "sites": "xa-000 xa-001 xa-002"}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Kiểm thử", "GIT_AUTHOR_EMAIL": "kiem-thu@example.invalid",
           "GIT_COMMITTER_NAME": "Kiểm thử", "GIT_COMMITTER_EMAIL": "kiem-thu@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """tests/sites/basic plus a provincial site, with the real tasks.py and settings, in a new git repository."""
    root = copy_case("basic", tmp_path / "repo")
    (root / "content" / "tinh-mau").mkdir()
    (root / "content" / "tinh-mau" / "site.yaml").write_text(PROVINCE_SITE, encoding="utf-8")
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, root / name)
    for name in ("plugins", "themes"):
        (root / name).symlink_to(ROOT / name)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "--message", "Tỉnh mẫu")
    return root


def test_invoke_matrix_since_previous_commit(repo):
    news = next((repo / "content" / "so-mau" / "tin-tuc").glob("*.md"))
    news.write_text(news.read_text(encoding="utf-8") + "\nĐoạn bổ sung.\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "--no-verify", "--all", "--message", "Sửa một tin")
    proc = subprocess.run([sys.executable, "-m", "invoke", "matrix", "--since", "HEAD~1"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["since"] == "HEAD~1" and result["base"] == git(repo, "rev-parse", "HEAD~1").strip()
    assert result["sites"] == ["so-mau", "tinh-mau"] and result["all"] is False
    assert result["province"] == "tinh-mau" and result["removed"] == []
    assert result["reason"]["content"] == {"so-mau": [news.relative_to(repo).as_posix()]}
    assert result["include"] == [{"name": "so-mau", "sites": "so-mau"}] and result["job_sites"] == ["so-mau"]


def test_untracked_item_and_deleted_site_in_the_work_tree(repo):
    new_item = repo / "content" / "xa-loi" / "tin-tuc" / "2026-04-01-tin-mới.md"  # git would quote "ớ"
    new_item.write_text("---\ntieu_de: Tin mới\n---\nNội dung.\n", encoding="utf-8")
    base, changed = matrix.git_changes(repo, "HEAD")
    assert base == git(repo, "rev-parse", "HEAD").strip()
    assert changed == ["content/xa-loi/tin-tuc/2026-04-01-tin-mới.md"]
    assert plan(changed, matrix.read_sites(repo / "content")).sites == ["tinh-mau", "xa-loi"]

    shutil.rmtree(repo / "content" / "so-mau")
    _, changed = matrix.git_changes(repo, "HEAD")
    result = plan(changed, matrix.read_sites(repo / "content"))
    assert result.removed == ["so-mau"] and result.sites == ["tinh-mau", "xa-loi"]


def test_unknown_ref_exits_2_in_vietnamese(repo):
    proc = subprocess.run([sys.executable, "-m", "invoke", "matrix", "--since", "khong-co-nhanh-nay"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Không tìm thấy mốc git «khong-co-nhanh-nay»" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_no_since_plans_every_site(repo):
    proc = subprocess.run([sys.executable, "-m", "invoke", "matrix"], cwd=repo, capture_output=True, text=True,
                          timeout=120)
    result = json.loads(proc.stdout)
    assert result["all"] is True and result["reason"]["full"] is True
    assert result["sites"] == ["so-mau", "tinh-mau", "xa-loi"]


def test_a_site_whose_scheduled_item_fell_due_since_the_base_is_planned(repo):
    """No commit marks the moment a scheduled item falls due: the hourly run plans its site all the same."""
    item = repo / "content" / "xa-loi" / "thong-bao" / "2026-03-20-hen-gio.md"
    item.parent.mkdir(exist_ok=True)
    item.write_text('---\ntieu_de: "Thông báo hẹn giờ đăng"\nngay: "20/03/2026 08:30"\n---\nNội dung.\n',
                    encoding="utf-8")
    git(repo, "add", "--all")
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Kiểm thử", "-c", "user.email=k@example.invalid",
                    "commit", "--quiet", "--no-verify", "--message", "Tin hẹn giờ"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-03-19T10:00:00+07:00",
                        "GIT_AUTHOR_DATE": "2026-03-19T10:00:00+07:00"})

    def planned(as_of: str) -> dict:
        proc = subprocess.run([sys.executable, "-m", "invoke", "matrix", "--since", "HEAD", "--as-of", as_of],
                              cwd=repo, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    before = planned("2026-03-20 08:29")
    assert before["sites"] == [] and before["reason"]["due"] == {}
    due = planned("2026-03-20 09:07")
    assert due["sites"] == ["tinh-mau", "xa-loi"] and due["all"] is False
    assert due["reason"]["due"] == {"xa-loi": ["content/xa-loi/thong-bao/2026-03-20-hen-gio.md"]}
    # An hour later the base is still the same commit: planned again (its build may have failed); a new
    # base made after the moment no longer plans it.
    assert planned("2026-03-20 10:07")["sites"] == ["tinh-mau", "xa-loi"]
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Kiểm thử", "-c", "user.email=k@example.invalid",
                    "commit", "--quiet", "--allow-empty", "--message", "Sau giờ đăng"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-03-20T09:30:00+07:00"})
    assert planned("2026-03-20 10:07")["sites"] == []


def test_dates_are_read_as_editors_write_them(tmp_path):
    import datetime as dt

    from portal import schedule

    site = tmp_path / "content" / "so-a" / "tin-tuc"
    site.mkdir(parents=True)
    for name, front in {"iso.md": "ngay: 2026-03-20 08:30", "vn.md": "ngay: '20/03/2026'",
                        "update.md": "cap_nhat: 2026-03-20T07:00  # giờ đăng", "old.md": "ngay: 2026-03-01",
                        "broken.md": "ngay: [", "late.md": "ngay: 2026-03-21"}.items():
        (site / name).write_text(f"\ufeff---\ntieu_de: Tin\n{front}\n---\nNội dung.\n", encoding="utf-8")
    (site / "khong-phai.txt").write_text("---\nngay: 2026-03-20\n---\n", encoding="utf-8")
    found = schedule.fell_due(tmp_path / "content", dt.datetime(2026, 3, 19, 23, 0), dt.datetime(2026, 3, 20, 9, 0))
    assert found == {"so-a": ["content/so-a/tin-tuc/iso.md", "content/so-a/tin-tuc/update.md",
                              "content/so-a/tin-tuc/vn.md"]}
