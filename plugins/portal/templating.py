"""Jinja settings, filters and globals of the theme: autoescape, Vietnamese dates, money, labels.

Every template the project renders is autoescaped: a value from front matter, ``site.yaml`` or another
portal is text, and Jinja escapes it wherever it is written. The one exception is the item body (HTML
that :mod:`portal.reader` made from Markdown and cleaned with :mod:`portal.sanitize`), which the theme
writes with ``|safe`` in one macro, ``noi_dung`` in ``_macros.html`` (docs/theme.md).
"""

from __future__ import annotations

from markupsafe import Markup

from . import dates, facets, procedures, schema, search_words


def nhan(type_id: str, field: str, value) -> str:
    """Vietnamese label of an enum value (``nhan('van-ban', 'tinh_trang', 'con-hieu-luc')``)."""
    if value is None:
        return ""
    return schema.value_label(type_id, _path(field), str(value))


def nhan_truong(type_id: str, field: str) -> str:
    """Vietnamese label of a field (``nhan_truong('thu-tuc', 'thoi_han_giai_quyet')``)."""
    return schema.label(type_id, _path(field))


def mot_dong(value) -> str:
    """The text on one line: runs of white space (a YAML block's line breaks) become one space.

    Escaped text stays escaped (``Markup`` in, ``Markup`` out), so it can filter a rendered block.
    """
    if hasattr(value, "__html__"):
        return Markup(" ").join(Markup(value).split())
    return " ".join(str(value).split())


def _path(field: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in field.split("."))


FILTERS = {"ngay": dates.ngay, "ngay_gio": dates.ngay_gio, "thu": dates.thu, "iso": dates.iso,
           "so_tien": dates.so_tien, "mot_dong": mot_dong, "khong_dau": search_words.folded}
# thu_tuc(fields, PORTAL_DVC_QUOC_GIA): what a procedure's page or row says (portal.procedures.summary);
# lua_chon_loc(values): one filter option per value whatever its spelling (.options), and the option of
# one row's text (.chon(text)) (portal.facets.Choices).
GLOBALS = {"nhan": nhan, "nhan_truong": nhan_truong, "thu_tuc": procedures.summary, "lua_chon_loc": facets.Choices}


def environment_options(settings: dict) -> dict:
    """``JINJA_ENVIRONMENT`` with autoescape on: the theme relies on it, whatever a settings file says."""
    return {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}


def install(pelican) -> None:
    """``initialized`` receiver: autoescape, filters, globals and the national-portal setting before any
    template loads."""
    pelican.settings["JINJA_ENVIRONMENT"] = environment_options(pelican.settings)
    # Where a procedure's full national entry is: checked here, so a wrong value stops the build early.
    pelican.settings["PORTAL_DVC_QUOC_GIA"] = procedures.national_portal(pelican.settings.get("PORTAL_DVC_QUOC_GIA"))
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(FILTERS)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(GLOBALS)
