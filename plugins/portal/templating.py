"""Jinja filters and globals the theme uses: Vietnamese dates, money, labels from the schemas."""

from __future__ import annotations

from . import dates, schema


def nhan(type_id: str, field: str, value) -> str:
    """Vietnamese label of an enum value (``nhan('van-ban', 'tinh_trang', 'con-hieu-luc')``)."""
    if value is None:
        return ""
    return schema.value_label(type_id, _path(field), str(value))


def nhan_truong(type_id: str, field: str) -> str:
    """Vietnamese label of a field (``nhan_truong('thu-tuc', 'thoi_han_giai_quyet')``)."""
    return schema.label(type_id, _path(field))


def _path(field: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in field.split("."))


FILTERS = {"ngay": dates.ngay, "ngay_gio": dates.ngay_gio, "thu": dates.thu, "iso": dates.iso,
           "so_tien": dates.so_tien}
GLOBALS = {"nhan": nhan, "nhan_truong": nhan_truong}


def install(pelican) -> None:
    """``initialized`` receiver: register filters and globals before any template loads."""
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(FILTERS)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(GLOBALS)
