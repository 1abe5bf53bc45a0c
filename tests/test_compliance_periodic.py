"""Periodic budget disclosures judged by their period (issue 12, point 6), on tests/sites/ngan-sach-ky.

The sample province "Bình Sơn" has four portals: the province (tinh-bs: every report on time, the 9-month
one on the day its deadline was moved to after a weekend; the first quarter of 2026 three days late under
the 2026 decree, though on time under the 2016 circular), its finance department (so-tc: up to date),
a commune with nothing newer than 2020 (xa-hp) and a commune with a late report, one without its period
and one without its approval date (xa-tl).
"""

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_case
from conftest import project as project_at
from openpyxl import load_workbook

from compliance import html_report, reports, rules
from compliance.checks.context import Settings
from compliance.engine import evaluate
from portal import check
from portal.problems import WARNING

D = dt.date
DEC4 = D(2026, 12, 4)
PERIODIC = "cong-khai-dinh-ky"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return copy_case("ngan-sach-ky", tmp_path_factory.mktemp("ngan-sach-ky"))


def periodic(root, day, site):
    ev = evaluate(project_at(root), day, [site], Settings(), use_git=False)
    return [f for f in ev.sites[0].findings if f.rule.kiem_tra == PERIODIC]


def by_duty(found, duty):
    hits = [f for f in found if f.rule.tham_so["nghia_vu"] == duty]
    return sorted(hits, key=lambda f: ["qua-han", "thieu", "dat", "sap-den-han"].index(f.trang_thai))


def test_a_2020_disclosure_alone_is_not_dat_in_2026(root):
    found = periodic(root, DEC4, "xa-hp")
    assert {f.rule.tham_so["nghia_vu"] for f in found} == {"cong-khai-du-toan", "cong-khai-thuc-hien-ky",
                                                          "cong-khai-quyet-toan"}
    assert all(f.trang_thai == "thieu" for f in found), [(f.rule.ma, f.trang_thai) for f in found]
    assert not any("2020-" in f.muc for f in found)  # the 2020 items count for no period that is due
    q3 = by_duty(found, "cong-khai-thuc-hien-ky")[0]
    assert q3.ky_bao_cao == "9 tháng năm 2026" and q3.han == D(2026, 10, 12) and q3.so_ngay_qua_han == 53
    assert q3.muc == "content/xa-hp/ngan-sach/" and q3.rule.can_cu.text() == "khoản 3 Điều 37 73/2026/NĐ-CP"
    assert "Chưa công khai tình hình thực hiện dự toán 9 tháng năm 2026; hạn 12/10/2026" in q3.mo_ta
    estimate = by_duty(found, "cong-khai-du-toan")[0]
    assert estimate.ky_bao_cao == "năm 2026" and estimate.rule.ma == "tt343-d18-k2-du-toan"
    assert "muộn nhất 29/12/2025 theo khoản 6 Điều 44 83/2015/QH13, vì chưa có tin bài" in estimate.mo_ta
    settlement = by_duty(found, "cong-khai-quyet-toan")[0]
    assert settlement.ky_bao_cao == "năm 2025" and settlement.han == D(2026, 4, 29)
    assert "điểm b khoản 5 Điều 32 73/2026/NĐ-CP" in settlement.mo_ta
    # The section exists, so the presence rule still says so: freshness is the periodic rules' job.
    ev = evaluate(project_at(root), DEC4, ["xa-hp"], Settings(), use_git=False)
    presence = [f for f in ev.sites[0].findings if f.rule.ma == "tctt-d19-k1e-tai-chinh-thong-ke"]
    assert [f.trang_thai for f in presence] == ["dat"]


def test_a_unit_with_up_to_date_reports_is_dat(root):
    found = periodic(root, DEC4, "so-tc")
    states = {f.rule.ma: (f.trang_thai, f.ky_bao_cao, f.han) for f in found}
    assert states == {
        "tt61-d6-k1-du-toan": ("dat", "năm 2026", D(2026, 1, 13)),
        "nd73-d37-k3-thuc-hien-ky": ("dat", "9 tháng năm 2026", D(2026, 10, 12)),
        "nd73-d37-k2-quyet-toan": ("dat", "năm 2025", D(2026, 5, 20)),
        # 05 working days from Friday 26/12/2025 skip the weekend and New Year's Day
        "tt61-d6-k3-thuc-hien-nam": ("dat", "năm 2025", D(2026, 1, 5)),
    }
    assert all(f.rule.xac_minh for f in found)


def test_a_report_published_after_its_deadline_is_late(root):
    late = by_duty(periodic(root, DEC4, "xa-tl"), "cong-khai-thuc-hien-ky")[0]
    assert late.trang_thai == "qua-han" and late.so_ngay_qua_han == 1 and late.han == D(2026, 10, 12)
    assert late.muc.endswith("xa-tl/ngan-sach/2026-10-13-thuc-hien-ngan-sach-xa-9-thang-2026.md:3")
    assert late.tieu_de == "Công khai tình hình thực hiện ngân sách xã Tân Lộc 9 tháng năm 2026"
    assert "ngày 13/10/2026, quá hạn 1 ngày (hạn 12/10/2026" in late.mo_ta
    settlement = by_duty(periodic(root, DEC4, "xa-tl"), "cong-khai-quyet-toan")[0]
    # 30 days from 27/03/2026 end on Sunday 26/04; Monday 27/04 is the Hùng Kings' day off: due 28/04
    assert settlement.trang_thai == "qua-han" and settlement.han == D(2026, 4, 28) and settlement.so_ngay_qua_han == 12


def test_deadline_day_after_a_weekend_and_the_day_after(root):
    # 30/09/2026 + 10 days is Saturday 10/10: the deadline moves to Monday 12/10 (Bộ luật Dân sự Điều 148 k5)
    ontime = by_duty(periodic(root, DEC4, "tinh-bs"), "cong-khai-thuc-hien-ky")[0]
    assert ontime.trang_thai == "dat" and ontime.muc.endswith("2026-10-12-thuc-hien-du-toan-9-thang-2026.md:3")
    assert "ngày 10/10/2026 là ngày nghỉ nên hạn lùi sang ngày làm việc tiếp theo" in ontime.mo_ta
    on_the_day = by_duty(periodic(root, D(2026, 10, 12), "xa-hp"), "cong-khai-thuc-hien-ky")
    assert [(f.trang_thai, f.ky_bao_cao) for f in on_the_day] == [("thieu", "6 tháng năm 2026"),
                                                                  ("sap-den-han", "9 tháng năm 2026")]
    assert on_the_day[1].han == D(2026, 10, 12)
    day_after = by_duty(periodic(root, D(2026, 10, 13), "xa-hp"), "cong-khai-thuc-hien-ky")
    assert [(f.trang_thai, f.ky_bao_cao, f.so_ngay_qua_han) for f in day_after] == [("thieu", "9 tháng năm 2026", 1)]


def test_rules_switch_by_effective_date(root):
    # Before 2026 the 2016 circular (15 days) judges the quarter; in January 2026 it still does, because the
    # quarter ended on 30/09/2025, although the rule in force on the evaluation date is the 2026 decree.
    for day in (D(2025, 11, 20), D(2026, 1, 20)):
        q3 = by_duty(periodic(root, day, "tinh-bs"), "cong-khai-thuc-hien-ky")[0]
        assert (q3.rule.ma, q3.trang_thai, q3.ky_bao_cao, q3.han) == \
            ("tt343-d10-k3-thuc-hien-quy", "dat", "Quý III năm 2025", D(2025, 10, 15))
        assert q3.rule.bo_quy_tac == "tt-343-2016"
    sets, _ = rules.load_all(root, [])
    in_force = {r.ma for r in rules.applicable(sets, "tinh", D(2026, 1, 20))}
    assert "nd73-d37-k3-thuc-hien-ky" in in_force and "tt343-d10-k3-thuc-hien-quy" not in in_force
    ev = evaluate(project_at(root), D(2026, 1, 20), ["tinh-bs"], Settings(), use_git=False)
    assert "tt-343-2016" in ev.sites[0].rule_sets  # named in the report because a finding cites it
    # The first quarter of 2026 falls under the 2026 decree: 10 days, so 13/04 is three days late.
    q1 = by_duty(periodic(root, D(2026, 4, 20), "tinh-bs"), "cong-khai-thuc-hien-ky")[0]
    assert (q1.rule.ma, q1.trang_thai, q1.ky_bao_cao, q1.han, q1.so_ngay_qua_han) == \
        ("nd73-d37-k3-thuc-hien-ky", "qua-han", "3 tháng năm 2026", D(2026, 4, 10), 3)


def test_item_without_period_is_warned_and_placed_by_its_date(root):
    site = check.check_site(root / "content" / "xa-tl", root)
    warned = {(p.path, p.line, p.field): p for p in site.problems if p.code == "ky-bao-cao"}
    ky = warned[("content/xa-tl/ngan-sach/2026-07-08-thuc-hien-ngan-sach-xa-6-thang-dau-nam.md", 4, "ky")]
    assert ky.severity == WARNING and ky.label == "Kỳ báo cáo"
    assert "được xếp vào kỳ 6 tháng năm 2026 theo ngày đăng" in ky.message
    approval = warned[("content/xa-tl/ngan-sach/2026-01-15-cong-khai-du-toan-ngan-sach-xa-2026.md", 4,
                       "ngay_phe_duyet")]
    assert "ngày muộn nhất mà luật cho phép" in approval.message
    assert len(warned) == 2 and site.ok
    half = by_duty(periodic(root, D(2026, 8, 1), "xa-tl"), "cong-khai-thuc-hien-ky")[0]
    assert half.trang_thai == "dat" and half.ky_bao_cao == "6 tháng năm 2026"
    assert "kỳ được suy ra từ ngày đăng" in half.mo_ta
    estimate = by_duty(periodic(root, DEC4, "xa-tl"), "cong-khai-du-toan")[0]
    assert estimate.trang_thai == "dat" and "vì tin bài chưa ghi ngày phê duyệt" in estimate.mo_ta


def test_unverified_latest_dates_mark_the_finding(root):
    # A department's settlement has no deadline of its own in the law: the inferred one is configuration.
    found = periodic(root, D(2026, 6, 15), "xa-hp") + periodic(root, D(2027, 6, 15), "so-tc")
    settlement = [f for f in found if f.rule.tham_so["nghia_vu"] == "cong-khai-quyet-toan"]
    flags = {(f.site, f.ky_bao_cao): f.rule.xac_minh for f in settlement}
    assert flags == {("xa-hp", "năm 2025"): True, ("so-tc", "năm 2026"): False}


def test_bad_periodic_rule_gets_vietnamese_messages(tmp_path):
    path = tmp_path / "quy-che.yaml"
    path.write_text("ma: quy-che-thu\nten: Quy chế thử nghiệm\nloai: dia-phuong\n"
                    "van_ban: {so_ky_hieu: 9/2026/QĐ-UBND, ten: Quyết định}\nhieu_luc: {tu_ngay: 2026-01-01}\n"
                    "quy_tac:\n  - ma: qc-thuc-hien\n    kiem_tra: cong-khai-dinh-ky\n    nghia_vu: qc-thuc-hien\n"
                    "    chuyen_muc: ngan-sach\n    loai_bao_cao: thuc-hien\n    ky: [6-thang]\n"
                    "    yeu_cau: Công khai báo cáo sáu tháng\n    can_cu: {van_ban: 9/2026/QĐ-UBND}\n"
                    "    ap_dung: [xa]\n    muc_do: thap\n", encoding="utf-8")
    ruleset, problems = rules.load_file(path, tmp_path)
    assert ruleset is None and [(p.field, p.line, p.message) for p in problems] == \
        [("quy_tac[1].han", 7, "Thiếu trường bắt buộc.")]
    text = path.read_text(encoding="utf-8").replace(
        "    ky: [6-thang]\n", "    ky: [nam]\n    han:\n      tu: ngay_phe_duyet\n      so_ngay: 30\n"
        "      muon_nhat:\n        - {cap: [xa], ngay: \"30/02\", nam: 1, can_cu: {van_ban: 9/2026/QĐ-UBND}}\n")
    path.write_text(text, encoding="utf-8")
    ruleset, problems = rules.load_file(path, tmp_path)
    assert ruleset is None and [(p.field, p.line, p.message, p.found) for p in problems] == \
        [("quy_tac[1].han.muon_nhat[1].ngay", 17, "Ngày không có thật.", "«30/02»")]
    path.write_text(text.replace("30/02", "30/04").replace("chuyen_muc: ngan-sach", "chuyen_muc: du-an"),
                    encoding="utf-8")
    ruleset, problems = rules.load_file(path, tmp_path)
    assert ruleset is None and [(p.field, p.label, p.expected) for p in problems] == \
        [("quy_tac[1].chuyen_muc", "Chuyên mục", "«ngan-sach»")]


def test_reports_show_the_period_and_the_deadline(root, tmp_path):
    ev = evaluate(project_at(root), DEC4, None, Settings(), use_git=False)
    paths = reports.write_all(ev, tmp_path)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "plugins/portal/schemas/compliance-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["phien_ban"] == "1.1"
    assert {"nd-73-2026", "tt-343-2016", "tt-61-2017"} <= {s["ma"] for s in data["bo_quy_tac"]}
    commune = next(s for s in data["cong"] if s["ma"] == "xa-hp")
    q3 = next(f for f in commune["phat_hien"] if f["quy_tac"] == "nd73-d37-k3-thuc-hien-ky")
    assert (q3["ky_bao_cao"], q3["han"], q3["trang_thai"]) == ("9 tháng năm 2026", "2026-10-12", "thieu")
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["Mã cổng"] == "xa-hp" and r["Mã quy tắc"] == "nd73-d37-k3-thuc-hien-ky")
    assert (row["Kỳ báo cáo"], row["Hạn"], row["Trạng thái"]) == ("9 tháng năm 2026", "12/10/2026", "Thiếu")
    sheet = load_workbook(paths["xlsx"])["Chi tiết"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert ["xa-hp", "9 tháng năm 2026", "12/10/2026"] in \
        [[v[header.index("Mã cổng")], v[header.index("Kỳ báo cáo")], v[header.index("Hạn")]] for v in values]
    html = BeautifulSoup(html_report.render(ev, ROOT / "themes" / "cong-thong-tin" / "templates"), "html.parser")
    cells = [r.find_all("td") for r in html.select("tr.tt-dong--thieu") if "nd73-d37-k3" in r.get_text()]
    assert any("Kỳ 9 tháng năm 2026" in c[4].get_text() and "12/10/2026" in c[4].get_text() for c in cells)
    assert "kỳ 9 tháng năm 2026 (hạn 12/10/2026)" in reports.terminal(ev)


def test_invoke_check_and_compliance_on_the_sample(tmp_path):
    root = copy_case("ngan-sach-ky", tmp_path / "proj")
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, root / name)
    for name in ("plugins", "themes"):
        (root / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=root, capture_output=True, text=True,
                              env=env, timeout=300)

    checked = run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ("content/xa-tl/ngan-sach/2026-07-08-thuc-hien-ngan-sach-xa-6-thang-dau-nam.md:4: CẢNH BÁO trường "
            "«Kỳ báo cáo» (ky): Chưa ghi kỳ báo cáo") in checked.stdout
    assert "0 lỗi, 2 cảnh báo" in checked.stdout
    out = tmp_path / "bao-cao"
    report = run("compliance", "--as-of", "2026-12-04", "--no-git", "--site", "xa-hp", "--output", str(out))
    assert report.returncode == 0, report.stdout + report.stderr
    assert "[Thiếu] xa-hp · nd73-d37-k3-thuc-hien-ky · khoản 3 Điều 37 73/2026/NĐ-CP · kỳ 9 tháng năm 2026 " \
           "(hạn 12/10/2026)" in report.stdout
    assert Path(out / "bao-cao-tuan-thu.json").is_file()
