"""What a compliance evaluation produces: findings with a state, a rule citation and a place.

States (``trang_thai``): ``dat`` (đạt), ``sap-den-han`` (sắp đến hạn), ``qua-han`` (quá hạn, with days
overdue) and ``thieu`` (thiếu). Severities (``muc_do``): ``cao``, ``trung-binh``, ``thap``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

DAT, SAP_DEN_HAN, QUA_HAN, THIEU = "dat", "sap-den-han", "qua-han", "thieu"
STATES = (DAT, SAP_DEN_HAN, QUA_HAN, THIEU)
STATE_LABELS = {DAT: "Đạt", SAP_DEN_HAN: "Sắp đến hạn", QUA_HAN: "Quá hạn", THIEU: "Thiếu"}
SEVERITIES = ("thap", "trung-binh", "cao")
STATE_ORDER = {"qua-han": 0, "thieu": 1, "sap-den-han": 2, "dat": 3}  # worst first in every report
SEVERITY_LABELS = {"cao": "Cao", "trung-binh": "Trung bình", "thap": "Thấp"}


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: document number, article, clause, point."""

    van_ban: str
    dieu: int | None = None
    khoan: int | None = None
    diem: str | None = None
    ten_van_ban: str = ""

    def text(self) -> str:
        parts = []
        if self.diem:
            parts.append(f"điểm {self.diem}")
        if self.khoan:
            parts.append(f"khoản {self.khoan}")
        if self.dieu:
            parts.append(f"Điều {self.dieu}")
        where = " ".join(parts)
        return f"{where} {self.van_ban}".strip() if where else self.van_ban


@dataclass(frozen=True)
class Rule:
    """One requirement, as written in a rule set file."""

    ma: str
    kiem_tra: str
    yeu_cau: str
    can_cu: Citation
    ap_dung: tuple[str, ...]
    muc_do: str
    xac_minh: bool
    bo_quy_tac: str
    tu_ngay: dt.date
    den_ngay: dt.date | None
    tham_so: dict = field(default_factory=dict, hash=False, compare=False)
    nguon: str = ""  # file:line of the rule in its rule set

    def in_force(self, day: dt.date) -> bool:
        return self.tu_ngay <= day and (self.den_ngay is None or day <= self.den_ngay)


@dataclass
class Finding:
    """The result of one rule for one site (and one item, where the rule is per item)."""

    site: str
    rule: Rule
    trang_thai: str
    mo_ta: str
    muc: str = ""          # item path (file:line) or the site.yaml field
    tieu_de: str = ""      # item title, for people
    han: dt.date | dt.datetime | None = None
    so_ngay_qua_han: int = 0
    chi_tiet: str = ""
    ky_bao_cao: str = ""   # reporting period a periodic disclosure finding is about ("9 tháng năm 2026")

    @property
    def ok(self) -> bool:
        return self.trang_thai == DAT

    def as_dict(self) -> dict:
        rule = self.rule
        return {
            "cong": self.site,
            "quy_tac": rule.ma,
            "bo_quy_tac": rule.bo_quy_tac,
            "kiem_tra": rule.kiem_tra,
            "yeu_cau": rule.yeu_cau,
            "can_cu": rule.can_cu.text(),
            "can_cu_chi_tiet": {k: v for k, v in asdict(rule.can_cu).items() if v not in (None, "")},
            "xac_minh": rule.xac_minh,
            "muc_do": rule.muc_do,
            "trang_thai": self.trang_thai,
            "trang_thai_nhan": STATE_LABELS[self.trang_thai],
            "mo_ta": self.mo_ta,
            "muc": self.muc,
            "tieu_de": self.tieu_de,
            "han": self.han.isoformat() if self.han else None,
            "so_ngay_qua_han": self.so_ngay_qua_han,
            "chi_tiet": self.chi_tiet,
            "ky_bao_cao": self.ky_bao_cao,
            "nguon_quy_tac": rule.nguon,
        }


def ordered(findings: list[Finding]) -> list[Finding]:
    """Report order: by site, worst state first, then rule id and item."""
    return sorted(findings, key=lambda f: (f.site, STATE_ORDER[f.trang_thai], f.rule.ma, f.muc))
