"""Every check kind on a small province built for it (tests/sites/compliance), evaluated on fixed dates."""

import datetime as dt

import pytest
from conftest import copy_case
from conftest import project as project_at

from compliance.checks.context import Settings
from compliance.engine import evaluate

D = dt.date


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return copy_case("compliance", tmp_path_factory.mktemp("compliance"))


def findings(root, day, site, rule=None):
    ev = evaluate(project_at(root), day, [site], Settings(), use_git=False)
    found = ev.sites[0].findings
    return [f for f in found if rule is None or f.rule.ma == rule]


def one(root, day, site, rule):
    found = findings(root, day, site, rule)
    assert len(found) == 1, [(f.trang_thai, f.mo_ta) for f in found]
    return found[0]


NOV23 = D(2026, 11, 23)


def test_deadline_after_event_counts_working_days(root):
    late = [f for f in findings(root, NOV23, "tinh-a", "a-van-ban-2-ngay") if f.trang_thai == "qua-han"]
    assert len(late) == 1
    f = late[0]
    assert f.muc.endswith("van-ban/tre.md:3") and f.han == D(2026, 6, 3) and f.so_ngay_qua_han == 2
    assert "quá hạn 2 ngày làm việc" in f.mo_ta
    # the one issued on Friday 13/02/2026 and posted on 24/02 (after Tết) is on time: no finding for it
    assert not any("tet.md" in x.muc for x in findings(root, NOV23, "tinh-a", "a-van-ban-2-ngay"))


def test_weekly_schedule_late_and_due_soon(root):
    late = one(root, NOV23, "tinh-a", "a-lich-tuan")
    assert late.trang_thai == "qua-han" and late.han == dt.datetime(2026, 11, 23, 8, 0)
    assert "09:30 23/11/2026" in late.mo_ta
    ontime = one(root, D(2026, 11, 18), "tinh-a", "a-lich-tuan")
    assert ontime.trang_thai == "dat"
    soon = findings(root, D(2026, 11, 26), "tinh-a", "a-lich-tuan")
    assert [f.trang_thai for f in soon] == ["qua-han", "sap-den-han"]
    assert soon[1].han == dt.datetime(2026, 11, 30, 8, 0)


def test_missing_schedule_is_overdue(root):
    f, soon = findings(root, D(2026, 12, 2), "tinh-a", "a-lich-tuan")
    assert f.trang_thai == "qua-han" and "Chưa đăng lịch công tác tuần từ 30/11/2026" in f.mo_ta
    assert f.so_ngay_qua_han == 3  # Mon 30/11, Tue 1/12, Wed 2/12
    assert soon.trang_thai == "sap-den-han"  # 07/12 is three working days away


def test_periodic_update_and_minimum_count(root):
    assert one(root, NOV23, "tinh-a", "a-tin-hang-thang").trang_thai == "dat"
    f = one(root, NOV23, "xa-c", "a-tin-hang-thang")
    assert f.trang_thai == "thieu" and "1/2" in f.mo_ta
    contract = one(root, D(2026, 12, 15), "tinh-a", "tinh-a-danh-muc-1-cap-nhat")
    assert contract.trang_thai == "qua-han" and contract.han == D(2026, 11, 30) and contract.so_ngay_qua_han == 15
    assert contract.rule.can_cu.van_ban == "Danh mục thông tin phải được công khai của đơn vị"
    assert contract.rule.nguon.endswith("trang/tiep-can-thong-tin.md:6")
    due_soon = one(root, D(2026, 11, 27), "tinh-a", "tinh-a-danh-muc-1-cap-nhat")
    assert due_soon.trang_thai == "sap-den-han"


def test_presence_of_pages_sections_and_site_fields(root):
    assert one(root, NOV23, "tinh-a", "nd224-d9-k1c-ban-do").trang_thai == "thieu"
    assert one(root, NOV23, "tinh-a", "tctt-d19-k1g-danh-muc").trang_thai == "dat"
    assert one(root, NOV23, "tinh-a", "nd224-d10-k3b-danh-gia-hai-long").trang_thai == "dat"
    missing = one(root, NOV23, "so-b", "nd224-d10-k3b-danh-gia-hai-long")
    assert missing.trang_thai == "thieu" and missing.muc == "content/so-b/site.yaml"
    assert one(root, NOV23, "so-b", "tctt-d19-k1a-van-ban").trang_thai == "thieu"
    assert one(root, NOV23, "so-b", "nd224-d9-k1a-thu-tuc").trang_thai == "dat"


def test_completeness_of_items(root):
    f = one(root, NOV23, "so-b", "nd63-d8-k2-bo-phan-tao-thanh")
    assert f.trang_thai == "thieu" and "so_bo_ho_so" in f.mo_ta and f.muc.endswith("thu-tuc/tt.md:1")
    assert one(root, NOV23, "tinh-a", "nd13-d6-k3-danh-muc").trang_thai == "dat"


def test_validity_of_documents_and_procedure_basis(root):
    doc = one(root, NOV23, "tinh-a", "nd224-d9-k3-hieu-luc-van-ban")
    assert doc.trang_thai == "qua-han" and doc.han == D(2026, 8, 1) and doc.so_ngay_qua_han == 114
    assert doc.muc.endswith("van-ban/het-han.md:11")
    basis = one(root, NOV23, "so-b", "nd224-d9-k3-can-cu-thu-tuc")
    assert basis.trang_thai == "qua-han" and "07/2025/QĐ-UBND" in basis.mo_ta and "tinh-a" in basis.mo_ta
    # before the document lapsed, the same procedure is fine (and judged by the older rule set)
    assert one(root, D(2026, 5, 4), "so-b", "cntt-d28-k1-can-cu-thu-tuc").trang_thai == "dat"


def test_outage_notice_needs_seven_working_days(root):
    f = one(root, NOV23, "tinh-a", "nd224-d13-k1a-tam-ngung")
    assert f.trang_thai == "qua-han" and "chỉ đăng trước 3 ngày làm việc (cần 7)" in f.mo_ta
    assert f.han == D(2026, 11, 4) and f.so_ngay_qua_han == 4  # latest day 7 working days ahead of 14/11


def test_domain_and_membership_of_the_provincial_portal(root):
    assert one(root, NOV23, "tinh-a", "nd224-d11-k4-ten-mien").trang_thai == "dat"
    assert one(root, NOV23, "so-b", "nd224-d11-k4-ten-mien").trang_thai == "dat"
    assert one(root, NOV23, "xa-c", "nd224-d11-k4-ten-mien").trang_thai == "thieu"
    assert one(root, NOV23, "so-b", "nd224-d11-k1-thanh-phan").trang_thai == "dat"
    assert one(root, NOV23, "xa-c", "nd224-d11-k1-thanh-phan").trang_thai == "thieu"


def test_judged_by_the_rules_in_force_on_the_date(root):
    june = {f.rule.bo_quy_tac for f in findings(root, D(2026, 6, 30), "so-b")}
    july = {f.rule.bo_quy_tac for f in findings(root, D(2026, 7, 1), "so-b")}
    assert "nd-42-2022" in june and "nd-224-2026" not in june
    assert "nd-224-2026" in july and "nd-42-2022" not in july
    # NĐ 42/2022 asked for the org chart page; NĐ 224/2026 asks for it too, under a new citation
    assert one(root, D(2026, 6, 30), "so-b", "nd42-d4-k1-co-cau").trang_thai == "thieu"
    assert one(root, D(2026, 7, 1), "so-b", "nd224-d9-k1b-co-cau-to-chuc").trang_thai == "thieu"
