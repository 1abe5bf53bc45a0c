"""Merge the units' items: one news stream and one catalog each for procedures and documents."""

from __future__ import annotations

from collections import Counter

from portal import facets, procedures, schema

FACETS = ("linh_vuc", "co_quan_thuc_hien")  # the procedure catalog's text filters
SHOWN = 3  # records named in a note; the rest are counted


def news_stream(channels: list[tuple[dict, list[dict]]], limit: int) -> list[dict]:
    """``channels`` is (unit, items). De-duplicated by GUID then link, newest first, stable across runs."""
    seen_guid, seen_link, merged = set(), set(), []
    for unit, items in channels:
        dated = sorted(items, key=lambda i: (i.get("ngay") or "", i["url"]), reverse=True)[:limit]
        for item in dated:
            if item["guid"] in seen_guid or item["url"] in seen_link:
                continue
            seen_guid.add(item["guid"])
            seen_link.add(item["url"])
            merged.append({**item, "don_vi": unit["ten"], "don_vi_url": unit["dia_chi_web"], "nguon": unit["ma"]})
    return sorted(merged, key=lambda i: (i.get("ngay") or "", i["url"]), reverse=True)


def catalog(exports: list[tuple[dict, dict]], kind: str) -> list[dict]:
    """Records of every unit's export of ``kind``, each naming its unit; ordered by unit then id."""
    records = []
    for unit, data in exports:
        for record in data.get("muc", []):
            records.append({**record, "don_vi_goc": {"ma": unit["ma"], "ten": unit["ten"],
                                                     "dia_chi_web": unit["dia_chi_web"]}})
    return sorted(records, key=lambda r: (r["don_vi_goc"]["ma"], r["id"]))


def procedure_counts(records: list[dict]) -> dict:
    """The figures a province reports: total, online toàn trình / một phần, by level and by unit."""
    levels = Counter(level for r in records for level in r.get("cap_thuc_hien", []))
    units = Counter(r["don_vi_goc"]["ten"] for r in records)
    return {
        "tong": len(records),
        "toan_trinh": sum(r.get("muc_do") == "toan-trinh" for r in records),
        "mot_phan": sum(r.get("muc_do") == "mot-phan" for r in records),
        "khong_truc_tuyen": sum(not r.get("muc_do") for r in records),
        "chua_du_thong_tin": sum(r.get("tinh_trang_du_lieu") == procedures.INCOMPLETE for r in records),
        "theo_cap": [{"cap": k, "nhan": schema.value_label("thu-tuc", ("cap_thuc_hien", 0), k), "so": v}
                     for k, v in sorted(levels.items())],
        "theo_don_vi": [{"don_vi": k, "so": v} for k, v in sorted(units.items())],
    }


def document_counts(records: list[dict]) -> dict:
    kinds = Counter(r.get("loai_van_ban_nhan", r.get("loai_van_ban", "")) for r in records)
    units = Counter(r["don_vi_goc"]["ten"] for r in records)
    return {"tong": len(records),
            "con_hieu_luc": sum(r.get("tinh_trang") == "con-hieu-luc" for r in records),
            "theo_loai": [{"loai": k, "so": v} for k, v in sorted(kinds.items())],
            "theo_don_vi": [{"don_vi": k, "so": v} for k, v in sorted(units.items())]}


def spelling_notes(records: list[dict]) -> dict[str, list[str]]:
    """Unit code → a note for each of its lĩnh vực / cơ quan spellings the province's filters show another
    way ("Hộ Tịch" shown as "Hộ tịch": one value, :mod:`portal.facets`), naming its records."""
    notes: dict[str, list[str]] = {}
    for key in FACETS:
        label = schema.label("thu-tuc", (key,)).lower()
        for group in facets.variants((r.get(key), r) for r in records):
            for spelling, found in sorted(group.others().items()):
                by_unit: dict[str, list[str]] = {}
                for record in found:
                    by_unit.setdefault(record["don_vi_goc"]["ma"], []).append(record["id"])
                for unit, ids in sorted(by_unit.items()):
                    more = f" và {len(ids) - SHOWN} bản ghi khác" if len(ids) > SHOWN else ""
                    named = ", ".join(sorted(ids)[:SHOWN])
                    notes.setdefault(unit, []).append(
                        f"thu-tuc: {label} «{spelling}» ({named}{more}) chỉ khác «{group.chosen}» ở chữ hoa, chữ"
                        " thường, khoảng trắng hoặc cách gõ dấu; bộ lọc danh mục toàn tỉnh gộp làm một và hiện"
                        f" «{group.chosen}».")
    return notes
