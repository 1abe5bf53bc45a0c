"""Who wrote, approved and published each item, from real git history (plugins/compliance/approvals.py):
a merge into the published branch is the approval (its committer, its time); a file pushed straight to the
branch has none; an item dated after its merge is published on its own date."""

import os
import subprocess

import pytest

from compliance import approvals

ITEM = """---
tieu_de: "{title}"
ngay: {ngay}
---
Nội dung.
"""


def git(root, *args, who=("Biên tập viên", "btv@xa.gov.vn"), when=None, committer=None):
    committer = committer or who
    env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
           "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("trail")
    folder = root / "content" / "xa" / "tin-tuc"
    folder.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (folder / "thang.md").write_text(ITEM.format(title="Đăng thẳng không qua duyệt", ngay="2026-11-01"),
                                     encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Đăng thẳng", when="2026-11-01T08:00:00+07:00")
    git(root, "checkout", "-qb", "cms/tin-tuc/duyet")
    (folder / "duyet.md").write_text(ITEM.format(title="Tin qua duyệt", ngay="2026-11-05 08:00"), encoding="utf-8")
    (folder / "hen-gio.md").write_text(ITEM.format(title="Tin hẹn giờ đăng", ngay="2026-11-20 07:00"),
                                       encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Tạo tin", when="2026-11-03T09:15:00+07:00")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "--no-ff", "-qm", "Merge branch 'cms/tin-tuc/duyet'", "cms/tin-tuc/duyet",
        committer=("Trưởng ban", "truongban@xa.gov.vn"), when="2026-11-05T10:30:00+07:00")
    return root


def test_a_merge_is_the_approval_with_who_and_when(repo):
    trail = approvals.read(repo)
    approved = trail["content/xa/tin-tuc/duyet.md"]
    assert approved.created_by == "Biên tập viên" and f"{approved.created:%d/%m/%Y %H:%M}" == "03/11/2026 09:15"
    assert approved.approved_by == "Trưởng ban" and f"{approved.approved:%d/%m/%Y %H:%M}" == "05/11/2026 10:30"
    direct = trail["content/xa/tin-tuc/thang.md"]
    assert direct.approved is None and direct.approved_by == ""


def test_report_rows_show_created_approved_published(repo):
    trail = approvals.read(repo)
    rows = {r["tep"]: r for r in approvals.rows(trail, approvals.item_dates(repo, trail))}
    assert rows["content/xa/tin-tuc/duyet.md"]["dang_luc"] == "05/11/2026 10:30"
    assert rows["content/xa/tin-tuc/hen-gio.md"]["dang_luc"] == "20/11/2026 07:00"  # scheduled after the merge
    assert rows["content/xa/tin-tuc/thang.md"]["nguoi_duyet"] == "(đăng thẳng, không qua duyệt)"
    text = approvals.as_csv(list(rows.values()))
    assert text.startswith("\ufeffTệp,Tạo lúc,Người viết,Duyệt lúc") and "Trưởng ban" in text


def test_outside_git_there_is_no_trail(tmp_path):
    assert approvals.read(tmp_path) == {}
