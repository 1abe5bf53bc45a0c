"""Jinja settings, filters and globals of the theme: autoescape, Vietnamese dates, money, labels.

Every template the project renders is autoescaped: a value from front matter, ``site.yaml`` or another
portal is text, and Jinja escapes it wherever it is written. The one exception is the item body (HTML
that :mod:`portal.reader` made from Markdown and cleaned with :mod:`portal.sanitize`), which the theme
writes with ``|safe`` in one macro, ``noi_dung`` in ``_macros.html`` (docs/theme.md).
"""

from __future__ import annotations

import functools

from markupsafe import Markup

from . import dates, facets, procedures, related, schema, search_words, shared_parts


def nhan(type_id: str, field: str, value) -> str:
    """Vietnamese label of an enum value (``nhan('van-ban', 'tinh_trang', 'con-hieu-luc')``), from the schema's
    ``x-labels``. ``field`` is dotted and names lists without an index: ``nhan('thu-tuc', 'cap_thuc_hien',
    'xa')`` labels a value of the list, ``nhan('lich-cong-tac', 'lich.buoi', 'sang')`` a field of its items."""
    if value is None:
        return ""
    return schema.value_label(type_id, _value_path(type_id, field), str(value))


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


@functools.cache
def _value_path(type_id: str, field: str) -> tuple:
    """The schema path of the values of ``field``, with the index of each list it goes through:
    ``cap_thuc_hien`` → ``("cap_thuc_hien", 0)``, ``lich.buoi`` → ``("lich", 0, "buoi")``."""
    path: tuple = ()
    for part in _path(field):
        if not isinstance(part, int) and "items" in schema.subschema(type_id, path):
            path += (0,)
        path += (part,)
    return path + (0,) if "items" in schema.subschema(type_id, path) else path


def lua_chon(rows, field: str, loai: str | None = None, thu_tu: str = "nhan") -> list[tuple[str, str]]:
    """The options (label, value) of a list filter whose rows hold ``field`` as written (portal.facets.options).

    ``loai`` (a type id) labels the values from its schema (else a record's ``<field>_nhan``, else the value);
    ``thu_tu``: ``"nhan"`` by label, ``"nam"`` the years of a date field, newest first, ``"khai-bao"`` in the
    order of the schema's enum (of ``loai``)."""
    label = functools.partial(nhan, loai, field) if loai else None
    if thu_tu == "khai-bao":
        order = tuple(schema.subschema(loai, _value_path(loai, field)).get("enum", ()))
    else:
        order = {"nhan": "label", "nam": "year"}[thu_tu]
    return facets.options(rows, field, label, order)


FILTERS = {"ngay": dates.ngay, "ngay_gio": dates.ngay_gio, "thu": dates.thu, "iso": dates.iso,
           "so_tien": dates.so_tien, "mot_dong": mot_dong, "khong_dau": search_words.folded,
           "tin_chon": related.chosen, "cung_chuyen_muc": related.same_section}
# thu_tuc(fields, PORTAL_DVC_QUOC_GIA): what a procedure's page or row says (portal.procedures.summary).
# The options of a list filter, (label, value) pairs: lua_chon(rows, field, loai, thu_tu) for values as written;
# lua_chon_loc(values): one option per value whatever its spelling (.options), and the option of one row's text
# (.chon(text)) (portal.facets.Choices); lua_chon_muc_do(records): the Mức độ filter of procedures.
# dung_chung(part, **values): a part of every page (header, menu, footer) rendered once per distinct values.
GLOBALS = {"nhan": nhan, "nhan_truong": nhan_truong, "thu_tuc": procedures.summary, "lua_chon": lua_chon,
           "lua_chon_loc": facets.Choices, "lua_chon_muc_do": procedures.delivery_options,
           "dung_chung": shared_parts.dung_chung}


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
