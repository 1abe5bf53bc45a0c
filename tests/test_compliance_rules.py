"""Rule sets are data with citations; the rules in force switch on 01/07/2026; bad files are reported."""

import datetime as dt
from pathlib import Path

from compliance import rules

ROOT = Path(__file__).resolve().parents[1]


def national():
    sets, problems = rules.load_all(ROOT, [ROOT / "content" / "thanhvan" / "quy-che"])
    assert problems == []
    return sets


def test_every_rule_has_a_citation_and_dates():
    sets = national()
    assert {s.ma for s in sets} >= {"nd-224-2026", "nd-42-2022", "luat-tctt-2016", "nd-13-2018", "luat-cds-148-2025",
                                    "nd-63-2010", "luat-cntt-2006", "quy-che-thanh-van"}
    for ruleset in sets:
        for rule in ruleset.rules:
            assert rule.can_cu.van_ban and rule.yeu_cau and rule.tu_ngay, rule.ma
            if ruleset.loai == "quoc-gia":
                assert rule.can_cu.dieu, rule.ma
            assert rule.nguon.startswith(ruleset.path + ":"), rule.nguon


def test_rule_sets_switch_at_1_july_2026():
    sets = national()
    before = {r.bo_quy_tac for r in rules.applicable(sets, "so-nganh", dt.date(2026, 6, 30))}
    after = {r.bo_quy_tac for r in rules.applicable(sets, "so-nganh", dt.date(2026, 7, 1))}
    assert "nd-42-2022" in before and "nd-224-2026" not in before and "luat-cntt-2006" in before
    assert "nd-224-2026" in after and "nd-42-2022" not in after and "luat-cds-148-2025" in after
    assert "luat-tctt-2016" in before & after


def test_level_and_district_rules():
    sets = national()
    tinh = {r.ma for r in rules.applicable(sets, "tinh", dt.date(2026, 7, 1))}
    so = {r.ma for r in rules.applicable(sets, "so-nganh", dt.date(2026, 7, 1))}
    assert "nd224-d9-k1c-ban-do" in tinh and "nd224-d9-k1c-ban-do" not in so
    assert "nd224-d9-k1b-co-cau-to-chuc" in so and "nd224-d9-k1b-co-cau-to-chuc" not in tinh
    assert rules.applicable(sets, "huyen", dt.date(2026, 7, 1), dt.date(2025, 6, 30)) == []
    assert rules.applicable(sets, "huyen", dt.date(2025, 3, 1), dt.date(2025, 6, 30))


def test_unverified_facts_are_marked_as_configuration():
    sets = {s.ma: s for s in national()}
    flags = {r.ma: r.xac_minh for r in sets["nd-42-2022"].rules}
    assert flags["nd42-d4-k1-ngan-sach"] is False and flags["nd42-d4-k1-van-ban"] is True
    assert all(not r.xac_minh for r in sets["luat-cntt-2006"].rules)


def test_bad_rule_set_file_gets_vietnamese_messages(tmp_path):
    path = tmp_path / "sai.yaml"
    path.write_text("ma: sai\nten: Bộ quy tắc sai\nloai: dia-phuong\nvan_ban: {so_ky_hieu: 1/QĐ, ten: Quyết định}\n"
                    "hieu_luc: {tu_ngay: 2026-02-30}\nquy_tac:\n  - ma: r1\n    kiem_tra: lich-tuan-moi\n"
                    "    yeu_cau: Lịch tuần đăng sớm\n    can_cu: {van_ban: 1/QĐ}\n    ap_dung: [tinh]\n"
                    "    muc_do: cao\n", encoding="utf-8")
    ruleset, problems = rules.load_file(path, tmp_path)
    assert ruleset is None
    by_field = {p.field: p for p in problems}
    assert by_field["hieu_luc.tu_ngay"].line == 5 and "có thật" in by_field["hieu_luc.tu_ngay"].expected
    assert by_field["quy_tac[1].kiem_tra"].line == 8 and "Có phải bạn định viết «lich-tuan»?" in \
        by_field["quy_tac[1].kiem_tra"].message


def test_duplicate_rule_ids_are_reported(tmp_path):
    source = (ROOT / "content/thanhvan/quy-che/quy-che-cong-thong-tin.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(source.replace("ma: quy-che-thanh-van", "ma: ban-sao"), encoding="utf-8")
    _, problems = rules.load_all(tmp_path, [tmp_path])
    assert any("trùng" in p.message and p.field == "ma" for p in problems)
