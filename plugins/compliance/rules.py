"""Rule sets: law as data. Loading, validation, choosing what is in force, and unit contracts.

National rule sets live in ``rules/*.yaml`` beside this module; a province adds its own quy chế in
``content/<provincial site>/quy-che/*.yaml``; a unit's "Danh mục thông tin phải được công khai" page
(Luật Tiếp cận thông tin Điều 19 khoản 1 điểm g) becomes that unit's own freshness rules.
Every file is validated against ``rule-set.schema.json`` with the same Vietnamese messages as content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from portal import schema
from portal.dates import parse_date
from portal.document import read_text
from portal.frontmatter import FrontMatterError, parse_yaml
from portal.problems import Problem, relpath

from .model import Citation, Rule

NATIONAL_DIR = Path(__file__).parent / "rules"
LOCAL_DIR = "quy-che"
# Where an item's "information was created" date lives, per section, for contract deadlines.
EVENT_FIELD = {"van-ban": "ngay_ban_hanh", "quy-hoach": "ngay_ban_hanh",
               "thu-tuc": "quyet_dinh_cong_bo.ngay_ban_hanh", "du-thao": "ngay_bat_dau"}


@dataclass
class RuleSet:
    ma: str
    ten: str
    loai: str
    so_ky_hieu: str
    tu_ngay: dt.date
    den_ngay: dt.date | None
    rules: list[Rule]
    path: str

    def in_force(self, day: dt.date) -> bool:
        return self.tu_ngay <= day and (self.den_ngay is None or day <= self.den_ngay)

    def summary(self) -> dict:
        return {"ma": self.ma, "ten": self.ten, "loai": self.loai, "van_ban": self.so_ky_hieu,
                "tu_ngay": self.tu_ngay.isoformat(), "den_ngay": self.den_ngay.isoformat() if self.den_ngay else None,
                "so_quy_tac": len(self.rules), "tep": self.path}


def load_file(path: Path, root: Path | None = None) -> tuple[RuleSet | None, list[Problem]]:
    rel = relpath(path, root)
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    try:
        parsed = parse_yaml(text)
    except FrontMatterError as exc:
        return None, [Problem(rel, exc.line, exc.message, expected=exc.expected, found=exc.found, code="yaml")]
    problems = schema.validate("rule-set", parsed.data, rel, parsed.line_of)
    if problems:
        return None, problems
    data = parsed.data
    problems = _impossible_days(data, rel, parsed.line_of)
    if problems:
        return None, problems
    start = parse_date(data["hieu_luc"]["tu_ngay"])
    end = parse_date(data["hieu_luc"]["den_ngay"]) if data["hieu_luc"].get("den_ngay") else None
    rules = []
    for index, item in enumerate(data["quy_tac"]):
        own = item.get("hieu_luc") or {}
        cite = item["can_cu"]
        rules.append(Rule(
            ma=item["ma"], kiem_tra=item["kiem_tra"], yeu_cau=item["yeu_cau"],
            can_cu=Citation(cite["van_ban"], cite.get("dieu"), cite.get("khoan"), cite.get("diem"),
                            data["van_ban"]["ten"] if cite["van_ban"] == data["van_ban"]["so_ky_hieu"] else ""),
            ap_dung=tuple(item["ap_dung"]), muc_do=item["muc_do"],
            xac_minh=item.get("xac_minh", "da-xac-minh") == "da-xac-minh", bo_quy_tac=data["ma"],
            tu_ngay=parse_date(own["tu_ngay"]) if own.get("tu_ngay") else start,
            den_ngay=parse_date(own["den_ngay"]) if own.get("den_ngay") else end,
            tham_so={k: v for k, v in item.items() if k not in ("ma", "kiem_tra", "yeu_cau", "can_cu", "ap_dung",
                                                                 "muc_do", "xac_minh", "hieu_luc")},
            nguon=f"{rel}:{parsed.line_of(('quy_tac', index))}",
        ))
    ruleset = RuleSet(data["ma"], data["ten"], data["loai"], data["van_ban"]["so_ky_hieu"], start, end, rules, rel)
    return ruleset, []


def load_all(root: Path, local_dirs: list[Path]) -> tuple[list[RuleSet], list[Problem]]:
    """National rule sets plus the province's own; duplicate rule ids are problems."""
    sets, problems = [], []
    files = sorted(NATIONAL_DIR.glob("*.yaml"))
    for folder in local_dirs:
        files += sorted(folder.glob("*.yaml"))
    for path in files:
        ruleset, found = load_file(path, root)
        problems += found
        if ruleset:
            sets.append(ruleset)
    seen: dict[str, str] = {}
    for ruleset in sets:
        for rule in ruleset.rules:
            if rule.ma in seen:
                problems.append(Problem(rule.nguon.rsplit(":", 1)[0], int(rule.nguon.rsplit(":", 1)[1]),
                                        f"Mã quy tắc «{rule.ma}» trùng với quy tắc tại {seen[rule.ma]}.",
                                        field="ma", label="Mã quy tắc", code="trung-ma"))
            seen[rule.ma] = rule.nguon
    return sets, problems


def versions(sets: list[RuleSet]) -> dict[str, list[Rule]]:
    """Obligation (``nghia_vu``) → its rules in every set, each limited to its set's validity too."""
    found: dict[str, list[Rule]] = {}
    for ruleset in sets:
        for rule in ruleset.rules:
            if "nghia_vu" not in rule.tham_so:
                continue
            ends = [d for d in (rule.den_ngay, ruleset.den_ngay) if d is not None]
            found.setdefault(rule.tham_so["nghia_vu"], []).append(dataclasses.replace(
                rule, tu_ngay=max(rule.tu_ngay, ruleset.tu_ngay), den_ngay=min(ends) if ends else None))
    return found


def _impossible_days(data: dict, rel: str, line_of) -> list[Problem]:
    """A latest date (``han.muon_nhat[].ngay``, day/month) that not every year has, such as 30/02 or 29/02."""
    problems = []
    for index, item in enumerate(data["quy_tac"]):
        for inner, latest in enumerate((item.get("han") or {}).get("muon_nhat", [])):
            day, month = (int(x) for x in latest["ngay"].split("/"))
            try:
                dt.date(2023, month, day)  # not a leap year: 29/02 is not a date of every year
            except ValueError:
                path = ("quy_tac", index, "han", "muon_nhat", inner, "ngay")
                problems.append(Problem(rel, line_of(path), "Ngày không có thật.", field=schema.dotted(path),
                                        label="Ngày/tháng", expected="ngày/tháng có thật, ví dụ 09/12",
                                        found=f"«{latest['ngay']}»", code="sai-dinh-dang"))
    return problems


def applicable(sets: list[RuleSet], level: str, day: dt.date, site_until: dt.date | None = None) -> list[Rule]:
    """Rules in force on ``day`` for a unit of ``level`` (huyện only before 01/07/2025)."""
    if level == "huyen" and (site_until is None or day > site_until):
        return []
    return [r for s in sets if s.in_force(day) for r in s.rules if level in r.ap_dung and r.in_force(day)]


def contract_rules(site_id: str, level: str, page, rel: str) -> list[Rule]:
    """A unit's own publication schedule (its danh mục page) as rules; ``page`` is its Document."""
    rules = []
    start = dt.date(2000, 1, 1)
    for index, entry in enumerate(page.fields.get("danh_muc_thong_tin") or []):
        section = entry.get("chuyen_muc")
        if not section or section == "trang":
            continue
        cite = Citation("Danh mục thông tin phải được công khai của đơn vị", ten_van_ban=entry["thong_tin"])
        common = dict(can_cu=cite, ap_dung=(level,), muc_do="trung-binh", xac_minh=True,
                      bo_quy_tac=f"danh-muc-{site_id}", tu_ngay=start, den_ngay=None,
                      nguon=f"{rel}:{page.line_of(('danh_muc_thong_tin', index))}")
        if entry.get("chu_ky_cap_nhat_ngay"):
            rules.append(Rule(ma=f"{site_id}-danh-muc-{index + 1}-cap-nhat", kiem_tra="cap-nhat-dinh-ky",
                              yeu_cau=f"{entry['thong_tin']}: cập nhật ít nhất {entry['chu_ky_cap_nhat_ngay']} ngày "
                                      f"một lần ({entry['thoi_diem']})",
                              tham_so={"chuyen_muc": section, "so_ngay": entry["chu_ky_cap_nhat_ngay"]}, **common))
        if entry.get("han_dang_ngay_lam_viec") is not None and section in EVENT_FIELD:
            rules.append(Rule(ma=f"{site_id}-danh-muc-{index + 1}-han-dang", kiem_tra="han-dang",
                              yeu_cau=f"{entry['thong_tin']}: đăng tải chậm nhất {entry['han_dang_ngay_lam_viec']} "
                                      "ngày làm việc kể từ khi thông tin được tạo ra",
                              tham_so={"chuyen_muc": section, "tu_truong": EVENT_FIELD[section],
                                       "ngay_lam_viec": entry["han_dang_ngay_lam_viec"]}, **common))
    return rules
