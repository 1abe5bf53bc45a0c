"""What a procedure (TTHC) page can truthfully say from the data it has.

Shared by the page templates, the JSON export and the provincial catalog, so all three say the same:

- **completeness** — a procedure missing any field of the national set (``x-truong-quoc-gia`` in
  ``thu-tuc.schema.json``) is published in the state ``chua-du-thong-tin`` ("chưa đủ thông tin"): what is
  known is shown, the missing fields are named, and the reader is sent to the national entry;
- **delivery** — how a citizen submits, derived from ``muc_do`` and the rows of ``cach_thuc_thuc_hien``
  together, never from one of them alone: a row ``truc-tuyen`` without ``muc_do`` is online of unknown
  level, ``muc_do`` without an online row is a contradiction the page states;
- **the national entry** — ``lien_ket_dvc`` when the editor gave it (the national portal addresses a
  procedure by an internal id, not by its code), else the national portal's procedure search, with the
  code to type (``PORTAL_DVC_QUOC_GIA``, :data:`NATIONAL_PORTAL`);
- **codes** — a national code split into its number and its province suffix (``Hxx``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import schema
from .problems import PortalError

TYPE = "thu-tuc"
COMPLETE, INCOMPLETE = "day-du", "chua-du-thong-tin"
STATE_LABELS = {COMPLETE: "Đủ thông tin", INCOMPLETE: "Chưa đủ thông tin"}
ONLINE_LEVELS = ("toan-trinh", "mot-phan")
# How each channel reads after "nộp hồ sơ …".
CHANNEL_PHRASES = {"truc-tiep": "trực tiếp", "truc-tuyen": "trực tuyến", "buu-chinh": "qua dịch vụ bưu chính"}
# What the page and the filters say about online submission (see :func:`summary`).
DELIVERY_LABELS = {"toan-trinh": "Toàn trình", "mot-phan": "Một phần", "truc-tuyen": "Trực tuyến (chưa rõ mức độ)",
                   "khong": "Không trực tuyến", "chua-ro": "Chưa rõ cách nộp"}
# The national public-service portal (setting PORTAL_DVC_QUOC_GIA overrides any key). Its procedure
# pages are addressed by an internal id (…chi-tiet.html?ma_thu_tuc=187805), not by the national code;
# "tra_cuu" is its procedure search page. "tra_cuu_theo_ma", when set, is a search address holding
# "{ma}" (for a provincial portal known to search by code); without it the page links "tra_cuu" and
# prints the code to type there.
NATIONAL_PORTAL = {
    "ten": "Cổng Dịch vụ công quốc gia",
    "dia_chi": "https://dichvucong.gov.vn",
    "tra_cuu": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
    "tra_cuu_theo_ma": "",
}
CODE = re.compile(r"^([123]\.[0-9]{6})(?:\.000\.00\.00)?\.(H[0-9]{2})$")


def national_fields() -> tuple[str, ...]:
    """The fields of the national set, in the national order (``x-truong-quoc-gia``)."""
    return tuple(schema.schema(TYPE)["x-truong-quoc-gia"])


def missing(fields: dict) -> list[str]:
    """The national fields ``fields`` lacks (absent or empty), in the national order."""
    return [k for k in national_fields() if _empty(fields.get(k))]


def state(fields: dict) -> str:
    return INCOMPLETE if missing(fields) else COMPLETE


def code_parts(code) -> tuple[str, str] | None:
    """(number, province suffix) of a national code: ``1.003583.000.00.00.H37`` → ``('1.003583', 'H37')``;
    the short form ``1.003583.H37`` gives the same. None when it is not a code."""
    match = CODE.match(code.strip()) if isinstance(code, str) else None
    return (match.group(1), match.group(2)) if match else None


def channels(fields: dict) -> list[str]:
    """The submission channels of ``cach_thuc_thuc_hien`` (``truc-tiep``, ``truc-tuyen``, ``buu-chinh``)."""
    rows = fields.get("cach_thuc_thuc_hien")
    found = [r.get("hinh_thuc") for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return list(dict.fromkeys(c for c in found if isinstance(c, str)))


def delivery(fields: dict) -> str:
    """``toan-trinh`` / ``mot-phan`` (``muc_do``), ``truc-tuyen`` (an online row, level not given),
    ``khong`` (rows, none online), ``chua-ro`` (neither level nor rows)."""
    level = fields.get("muc_do")
    if level in ONLINE_LEVELS:
        return level
    ways = channels(fields)
    if "truc-tuyen" in ways:
        return "truc-tuyen"
    return "khong" if ways else "chua-ro"


def delivery_options(records) -> list[tuple[str, str]]:
    """(label, value) of the Mức độ filter of a list of procedures (front-matter fields or export records):
    the levels in :data:`DELIVERY_LABELS` order; ``truc-tuyen`` and ``chua-ro`` (what the data leaves
    unknown) only when some procedure has them."""
    present = {delivery(r if isinstance(r, dict) else {}) for r in records}
    return [(label, level) for level, label in DELIVERY_LABELS.items()
            if level in present or level not in ("truc-tuyen", "chua-ro")]


def contradiction(fields: dict) -> str:
    """A sentence for the reader when the level and the channels disagree, else ''."""
    ways = channels(fields)
    if fields.get("muc_do") in ONLINE_LEVELS and ways and "truc-tuyen" not in ways:
        level = schema.value_label(TYPE, ("muc_do",), fields["muc_do"]).lower()
        return (f"Dữ liệu của thủ tục chưa thống nhất: mức độ ghi là {level}, nhưng phần Cách thức thực hiện chỉ ghi"
                f" nộp hồ sơ {ways_phrase(ways)}. Hãy kiểm tra trên Cổng Dịch vụ công trước khi nộp hồ sơ.")
    return ""


def ways_phrase(ways: list[str]) -> str:
    """``['truc-tiep', 'buu-chinh']`` → "trực tiếp hoặc qua dịch vụ bưu chính"."""
    return " hoặc ".join(CHANNEL_PHRASES.get(w, w) for w in ways)


@dataclass
class Summary:
    """What a page, a list row or a catalog row says about one procedure."""

    tinh_trang: str
    tinh_trang_nhan: str
    thieu: list = field(default_factory=list)          # (field, Vietnamese label) of each missing field
    muc_do_loc: str = "chua-ro"                          # see delivery()
    muc_do_loc_nhan: str = ""
    truc_tuyen: bool = False                             # online submission is indicated
    cach_nop: str = ""                                   # the channels, as a phrase (ways_phrase)
    mau_thuan: str = ""                                  # see contradiction()
    lien_ket_day_du: str = ""                            # where the full entry is
    lien_ket_la_trang_rieng: bool = False               # True: the procedure's own page (lien_ket_dvc)
    ten_cong_quoc_gia: str = ""

    @property
    def day_du(self) -> bool:
        return self.tinh_trang == COMPLETE


def summary(fields: dict, portal: dict | None = None) -> Summary:
    """Everything a template says about a procedure, from its front matter (or an export record)."""
    portal = {**NATIONAL_PORTAL, **(portal or {})}
    fields = fields if isinstance(fields, dict) else {}
    absent = missing(fields)
    level = delivery(fields)
    code = fields.get("ma_thu_tuc") if code_parts(fields.get("ma_thu_tuc")) else ""
    own = fields.get("lien_ket_dvc") if isinstance(fields.get("lien_ket_dvc"), str) else ""
    if own:
        link = own
    elif code and portal.get("tra_cuu_theo_ma"):
        link = portal["tra_cuu_theo_ma"].replace("{ma}", code)
    else:
        link = portal["tra_cuu"]
    return Summary(
        tinh_trang=INCOMPLETE if absent else COMPLETE,
        tinh_trang_nhan=STATE_LABELS[INCOMPLETE if absent else COMPLETE],
        thieu=[(k, schema.label(TYPE, (k,))) for k in absent],
        muc_do_loc=level, muc_do_loc_nhan=DELIVERY_LABELS[level],
        truc_tuyen=level in ("toan-trinh", "mot-phan", "truc-tuyen"),
        cach_nop=ways_phrase(channels(fields)),
        mau_thuan=contradiction(fields), lien_ket_day_du=link, lien_ket_la_trang_rieng=bool(own),
        ten_cong_quoc_gia=portal["ten"])


def export_fields(fields: dict) -> dict:
    """The state a procedure's export record carries (export.schema.json, docs/exports.md)."""
    absent = missing(fields)
    level = delivery(fields)
    return {"tinh_trang_du_lieu": INCOMPLETE if absent else COMPLETE,
            "tinh_trang_du_lieu_nhan": STATE_LABELS[INCOMPLETE if absent else COMPLETE],
            "truong_con_thieu": absent,
            "truong_con_thieu_nhan": [schema.label(TYPE, (k,)) for k in absent],
            "hinh_thuc_nop": level, "hinh_thuc_nop_nhan": DELIVERY_LABELS[level]}


def national_portal(setting) -> dict:
    """The ``PORTAL_DVC_QUOC_GIA`` setting over :data:`NATIONAL_PORTAL`; a wrong one stops the build."""
    if setting is None:
        return dict(NATIONAL_PORTAL)
    if not isinstance(setting, dict):
        raise PortalError(f"PORTAL_DVC_QUOC_GIA phải là một dict (các khóa {', '.join(NATIONAL_PORTAL)}), "
                          f"đang là {type(setting).__name__}.")
    for name, value in setting.items():
        if name not in NATIONAL_PORTAL:
            raise PortalError(f"PORTAL_DVC_QUOC_GIA: khóa «{name}» không được hỗ trợ; các khóa: "
                              f"{', '.join(NATIONAL_PORTAL)}.")
        if not isinstance(value, str) or (name != "ten" and value and not value.startswith("https://")):
            kind = "chuỗi ký tự" if name == "ten" else "địa chỉ bắt đầu bằng https://"
            raise PortalError(f"PORTAL_DVC_QUOC_GIA[«{name}»] phải là {kind}, đang là «{value}».")
    merged = {**NATIONAL_PORTAL, **setting}
    if not merged["tra_cuu"] or (merged["tra_cuu_theo_ma"] and "{ma}" not in merged["tra_cuu_theo_ma"]):
        raise PortalError("PORTAL_DVC_QUOC_GIA: «tra_cuu» không được để trống và «tra_cuu_theo_ma» (nếu có) phải "
                          "chứa «{ma}» ở chỗ đặt mã thủ tục.")
    return merged


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}
