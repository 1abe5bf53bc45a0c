"""What of a source's data the province keeps and shows, whatever the source sent.

News (``tin-tuc``), after parsing:
- an item with no date (none in the feed, none in its title or description) is dropped: the stream is
  ordered by date, and dating it by when it was first seen put it on top of the province's stream;
- an item dated more than ``clock_skew`` after "now" is held back: kept in the store and shown from
  its date on (as a scheduled item is on the unit's own portal), so year 9999 never pins it on top;
- the store keeps at most ``keep`` (the registry's ``so_tin_moi_nguon``) due items, newest first, and
  as many held-back ones, soonest first: a feed of 100,000 entries costs what a feed of ``keep`` does.

Exports (``thu-tuc``, ``van-ban``), valid against ``export.schema.json`` (which requires only ``id``,
``url``, ``tieu_de``, ``ngay`` per record): every other field the province reads is optional and must
have its type (text, list of texts, ISO date), or it is left out; a label ``<field>_nhan`` the unit left
out is filled from the schema; at most ``max_records`` records are kept, newest first.

Every rule that removes or changes something returns a Vietnamese note for the source's health. The
functions are idempotent: the pipeline applies them again to data stored by an older version.
"""

from __future__ import annotations

import datetime as dt
import json

from portal import schema

VERSION = 2  # stored data normalised by an older version is normalised again (pipeline.py)

TEXT, TEXTS, DATE = "chuỗi ký tự", "danh sách chuỗi ký tự", "ngày dạng 2026-11-01"
# Optional record fields the province reads (merge counts, catalog pages, the province-wide exports).
# Fields not listed are passed through untouched: they are only re-exported as JSON.
READ_FIELDS = {
    "van-ban": {"so_ky_hieu": TEXT, "loai_van_ban": TEXT, "loai_van_ban_nhan": TEXT, "linh_vuc": TEXT,
                "ngay_ban_hanh": DATE, "trich_yeu": TEXT, "tinh_trang": TEXT, "tinh_trang_nhan": TEXT,
                "cap_nhat": DATE},
    "thu-tuc": {"ma_thu_tuc": TEXT, "linh_vuc": TEXT, "cap_thuc_hien": TEXTS, "muc_do": TEXT, "muc_do_nhan": TEXT,
                "co_quan_thuc_hien": TEXT, "cap_nhat": DATE},
}
SHOWN = 3  # examples named in a note; the rest are counted


def feed_items(items: list[dict], now: dt.datetime, keep: int, clock_skew: float) -> tuple[list[dict], list[str]]:
    """The items worth storing: dated, at most ``keep`` due and ``keep`` held back."""
    horizon = now + dt.timedelta(seconds=clock_skew)
    dated = [i for i in items if i.get("ngay") and not i.get("ngay_uoc_tinh")]
    due = sorted((i for i in dated if _when(i) <= horizon), key=lambda i: (i["ngay"], i["url"]), reverse=True)
    held = sorted((i for i in dated if _when(i) > horizon), key=lambda i: (i["ngay"], i["url"]))
    notes = []
    if len(dated) < len(items):
        notes.append(f"{len(items) - len(dated)} tin không có ngày đăng (không có trong nguồn, trong tiêu đề hay "
                     "tóm tắt) nên không được đưa vào dòng tin.")
    if len(due) > keep:
        notes.append(f"nguồn có {len(due)} tin; chỉ giữ {keep} tin mới nhất (so_tin_moi_nguon).")
    if len(held) > keep:
        notes.append(f"nguồn có {len(held)} tin hẹn ngày đăng; chỉ giữ {keep} tin gần đến ngày nhất.")
    return due[:keep] + held[:keep], notes


def due_items(items: list[dict], now: dt.datetime, clock_skew: float) -> tuple[list[dict], list[str]]:
    """The stored items whose date has come (within the clock-skew tolerance); a note for the others."""
    horizon = now + dt.timedelta(seconds=clock_skew)
    due = [i for i in items if _when(i) <= horizon]
    held = sorted(_when(i) for i in items if _when(i) > horizon)
    if not held:
        return due, []
    span = _vn(held[0]) if len(held) == 1 else f"từ {_vn(held[0])} đến {_vn(held[-1])}"
    return due, [f"{len(held)} tin ghi ngày đăng trong tương lai ({span}), chưa đưa lên dòng tin cho đến ngày đó "
                 "(kiểm tra đồng hồ hoặc múi giờ của máy chủ nguồn)."]


def export(data: dict, kind: str, max_records: int) -> tuple[dict, list[str]]:
    """The export with every record's read fields of the right shape, labels filled, records capped."""
    dropped: list[str] = []
    records = [_record(r, kind, dropped) for r in data.get("muc", [])]
    notes = []
    if dropped:
        more = f"; và {len(dropped) - SHOWN} giá trị khác" if len(dropped) > SHOWN else ""
        notes.append(f"bỏ {len(dropped)} giá trị sai kiểu (không hiển thị, không xuất lại): "
                     + "; ".join(dropped[:SHOWN]) + more + ".")
    if len(records) > max_records:
        notes.append(f"nguồn có {len(records)} bản ghi; chỉ giữ {max_records} bản ghi mới nhất "
                     "(AGGREGATE['SO_BAN_GHI_TOI_DA_MOI_NGUON']).")
        records = sorted(records, key=lambda r: (r.get("cap_nhat") or r["ngay"], r["id"]), reverse=True)[:max_records]
    return {**data, "muc": records, "so_luong": len(records)}, notes


def _record(record: dict, kind: str, dropped: list[str]) -> dict:
    fields = READ_FIELDS[kind]
    out = {}
    for key, value in record.items():
        expected = fields.get(key)
        if expected and not _fits(value, expected):
            dropped.append(f"«{record['id']}» trường {key} (cần {expected}, đang là {_shown(value)})")
            continue
        out[key] = value
    for key, value in list(out.items()):
        label_key = f"{key}_nhan"
        if isinstance(value, str) and label_key not in out and schema.subschema(kind, (key,)).get("x-labels"):
            out[label_key] = schema.value_label(kind, (key,), value)
    return out


def _fits(value, expected: str) -> bool:
    if expected == TEXT:
        return isinstance(value, str)
    if expected == TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _when(item: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(item["ngay"])


def _vn(when: dt.datetime) -> str:
    return f"{when:%d/%m}/{when.year} {when:%H:%M}"
