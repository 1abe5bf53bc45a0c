"""What an import tells the editor, in Vietnamese: as terminal text (``invoke import-*``) and as data (the
local endpoint's JSON)."""

from __future__ import annotations

from portal import console, schema
from portal.problems import ERROR

from .pipeline import ImportResult


def _value(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return "; ".join(v.get("tep", str(v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def filled(result: ImportResult, type_id: str) -> list[dict]:
    """Each field read from the document: key, Vietnamese label, value, where it was read."""
    return [{"truong": key, "nhan": schema.label(type_id, (key,)), "gia_tri": _value(result.fields[key]),
             "nguon": source} for key, source in result.sources.items() if key in result.fields]


def text(result: ImportResult, type_id: str, source_name: str, site_id: str) -> str:
    """The terminal report of one import."""
    errors, warnings = console.count(result.problems)
    out = [f"Đã tạo {result.item} từ «{source_name}» trong {result.seconds:.1f} giây (lệnh nhập không ghi đè tệp"
           " nào có sẵn)."]
    if result.images:
        out.append(f"Ảnh ({len(result.images)}, lưu trong anh/): " + ", ".join(result.images)
                   + ". Mỗi ảnh cần mô tả nội dung (văn bản thay thế): viết vào giữa ![ ] trong bài.")
    if result.attachment:
        out.append(f"Tệp gốc được đính kèm: {result.attachment}")
    rows = filled(result, type_id)
    if rows:
        out.append("Thông tin lấy từ văn bản (hãy đối chiếu với bản gốc):")
        out += [f"    {r['nhan']} ({r['truong']}): {r['gia_tri']} — từ {r['nguon']}" for r in rows]
    if result.notes:
        out.append("Lưu ý:")
        out += [f"    - {note}" for note in result.notes]
    if result.problems:
        out += ["", f"Kiểm tra tệp vừa tạo: {errors} lỗi, {warnings} cảnh báo.",
                console.format_problems(result.problems)]
    else:
        out += ["", "Kiểm tra tệp vừa tạo: không có lỗi."]
    if errors:
        out.append(f"\nBài chưa được đăng cho đến khi sửa hết lỗi. Sửa xong hãy chạy: invoke check --site {site_id}")
    return "\n".join(out)


def as_dict(result: ImportResult, type_id: str) -> dict:
    """The import as JSON-ready data (keys in Vietnamese without marks, as the project's exports)."""
    return {
        "tep": result.item, "anh": result.images, "dinh_kem": result.attachment,
        "thong_tin": filled(result, type_id), "luu_y": result.notes,
        "loi": sum(p.severity == ERROR for p in result.problems),
        "canh_bao": sum(p.severity != ERROR for p in result.problems),
        "van_de": [{**p.as_dict(), "dong_hien_thi": p.format()} for p in result.problems],
        "giay": round(result.seconds, 2),
    }
