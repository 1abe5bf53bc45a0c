"""Front-matter dates against real git history: backdated and future-dated items are flagged."""

import datetime as dt
import os
import subprocess

import pytest
from conftest import copy_case
from conftest import project as project_at

from compliance.checks.context import Settings
from compliance.engine import evaluate


def git(root, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Biên tập viên", "GIT_AUTHOR_EMAIL": "btv@maua.gov.vn",
           "GIT_COMMITTER_NAME": "Biên tập viên", "GIT_COMMITTER_EMAIL": "btv@maua.gov.vn"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


DOC = """---
tieu_de: "{title}"
ngay: {ngay}
so_ky_hieu: {number}
loai_van_ban: quyet-dinh
co_quan_ban_hanh: UBND tỉnh Mẫu A
ngay_ban_hanh: {issued}
trich_yeu: "Văn bản kiểm tra bằng chứng"
tinh_trang: con-hieu-luc
---
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = copy_case("compliance", tmp_path_factory.mktemp("evidence"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Nhập nội dung từ cổng cũ", when="2026-01-01T09:00:00+07:00")
    folder = root / "content" / "tinh-a" / "van-ban"
    (folder / "ghi-lui.md").write_text(DOC.format(title="Văn bản ghi lùi ngày đăng", ngay="2026-11-03 09:00",
                                                  number="40/QĐ-UBND", issued="2026-11-02"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Đăng văn bản 40", when="2026-11-10T15:00:00+07:00")
    (folder / "ghi-truoc.md").write_text(DOC.format(title="Văn bản ghi ngày trong tương lai", ngay="2026-11-30",
                                                    number="41/QĐ-UBND", issued="2026-11-12"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Đăng văn bản 41", when="2026-11-12T10:00:00+07:00")
    return root


def evaluated(root, cutoff):
    ev = evaluate(project_at(root), dt.date(2026, 11, 23), ["tinh-a"], Settings(bang_chung_tu_ngay=cutoff))
    return ev.sites[0].findings


def test_backdated_and_future_dated_items_are_flagged(repo):
    found = [f for f in evaluated(repo, dt.date(2026, 1, 1)) if f.rule.kiem_tra == "bang-chung-ngay"]
    by_file = {f.muc.split(":")[0].rsplit("/", 1)[-1]: f for f in found}
    back = by_file["ghi-lui.md"]
    assert back.trang_thai == "qua-han" and "03/11/2026" in back.mo_ta and "10/11/2026" in back.mo_ta
    assert back.so_ngay_qua_han == 5
    ahead = by_file["ghi-truoc.md"]
    assert ahead.trang_thai == "thieu" and "30/11/2026" in ahead.mo_ta
    assert len(found) == 2  # the bulk import of 01/01/2026 is not evidence


def test_deadlines_use_the_date_git_proves(repo):
    late = [f for f in evaluated(repo, dt.date(2026, 1, 1)) if f.rule.ma == "a-van-ban-2-ngay"
            and "ghi-lui.md" in f.muc]
    assert len(late) == 1 and late[0].trang_thai == "qua-han"
    assert "Đăng ngày 10/11/2026" in late[0].mo_ta and late[0].han == dt.date(2026, 11, 4)


def test_without_evidence_the_front_matter_date_counts(repo):
    found = evaluated(repo, dt.date(2026, 11, 30))  # everything before this date counts as imported
    assert not [f for f in found if f.rule.kiem_tra == "bang-chung-ngay" and f.trang_thai != "dat"]
    assert not [f for f in found if f.rule.ma == "a-van-ban-2-ngay" and "ghi-lui.md" in f.muc]
