"""The ``COMPLIANCE`` setting: defaults in one place, unknown keys and bad values stop the build."""

from __future__ import annotations

import datetime as dt

from portal.dates import parse_date
from portal.problems import PortalError

from .checks.context import Settings

DEFAULTS = {
    "NGAY_DANH_GIA": None,               # evaluation date of the report pages; None = date of the HEAD commit
    "SAP_DEN_HAN_NGAY_LAM_VIEC": 3,      # "sắp đến hạn" when due within this many working days
    "BANG_CHUNG_TU_NGAY": None,          # git commits on/before this date are the bulk import, not evidence
    "DUNG_SAI_BANG_CHUNG_NGAY": 1,       # days of slack between front-matter date and the commit adding the file
}


class ComplianceSettingsError(PortalError):
    """A wrong COMPLIANCE setting."""


def read(settings: dict) -> tuple[Settings, dt.date | None]:
    """Typed evaluation settings and the fixed evaluation date (if any) from Pelican settings."""
    given = settings.get("COMPLIANCE") or {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ComplianceSettingsError(
            f"pelicanconf.py: COMPLIANCE có khóa không được hỗ trợ: {', '.join(unknown)}. "
            f"Các khóa hợp lệ: {', '.join(DEFAULTS)}.")
    merged = {**DEFAULTS, **given}
    dates = {}
    for key in ("NGAY_DANH_GIA", "BANG_CHUNG_TU_NGAY"):
        value = merged[key]
        if value is None or isinstance(value, dt.date):
            dates[key] = value
            continue
        dates[key] = parse_date(str(value))
        if dates[key] is None:
            raise ComplianceSettingsError(f"pelicanconf.py: COMPLIANCE['{key}'] phải là ngày dạng 2026-03-02, "
                                          f"đang là «{value}».")
    for key in ("SAP_DEN_HAN_NGAY_LAM_VIEC", "DUNG_SAI_BANG_CHUNG_NGAY"):
        if not isinstance(merged[key], int) or merged[key] < 0:
            raise ComplianceSettingsError(f"pelicanconf.py: COMPLIANCE['{key}'] phải là số nguyên không âm, "
                                          f"đang là «{merged[key]}».")
    typed = Settings(sap_den_han_ngay_lam_viec=merged["SAP_DEN_HAN_NGAY_LAM_VIEC"],
                     dung_sai_bang_chung_ngay=merged["DUNG_SAI_BANG_CHUNG_NGAY"],
                     bang_chung_tu_ngay=dates["BANG_CHUNG_TU_NGAY"])
    return typed, dates["NGAY_DANH_GIA"]
