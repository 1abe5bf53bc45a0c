"""What ``invoke bench`` shows of a run (:func:`bench.suite.run_suite`'s data): the printed tables and lines
(:func:`table`), and the JSON with the two pictures beside it (:func:`save`). Measuring is :mod:`bench.suite`'s
job; this module only presents what it measured."""

from __future__ import annotations

import json
from pathlib import Path

from . import sizes, timeline
from .targets import lines as target_lines


def table(data: dict) -> str:
    """Everything ``invoke bench`` prints: the scenarios, the CI replay, the sizes, the downloads, then every
    target and reference ratio."""
    rows = [("Kịch bản", "Thời gian (s)", "Các lượt (s)", "CPU (s)", "Bộ nhớ đỉnh RSS (MB)", "PSS (MB)", "Kết quả")]
    rows += [(r["ten"], f"{r['giay']:.2f}", " ".join(f"{s:.1f}" for s in r.get("cac_lan_giay", [])),
              f"{r.get('cpu_giay', 0):.1f}", f"{r['bo_nho_dinh_mb']:.0f}", f"{r.get('bo_nho_dinh_pss_mb', 0):.0f}",
              "ok" if r["thanh_cong"] else "LỖI") for r in data["ket_qua"]]
    lines = _columns(rows)
    line = data.get("dong_thoi_gian")
    if line:
        lines += ["", f"Dòng thời gian của lần xây dựng lạnh: {line['giay']:.1f} s, CPU {line['cpu_giay']:.1f} s trên "
                      f"{line['so_loi']} lõi; lõi để trống {line['loi_nhan_roi_giay']:.1f} lõi·giây (máy hoàn toàn "
                      f"rảnh: {line['loi_ca_may_roi_giay']:.1f})",
                  "  giai đoạn (tổng theo cổng, s): " + ", ".join(f"{k} {v:.1f}"
                                                                  for k, v in line["giai_doan_giay"].items()),
                  "  các bước (s): " + ", ".join(f"{k} {v:.1f}" for k, v in line["pha_giay"].items())]
    edit = data.get("sua_mot_muc")
    if edit:
        lines += ["", f"Một sửa: trực tuyến sau {edit['truc_tuyen_giay']:.2f} s "
                      f"({edit['truc_tuyen_so_voi_hugo']} × Hugo), tìm được sau {edit['tim_duoc_giay']:.2f} s "
                      f"({edit['tim_duoc_so_voi_hugo']} × Hugo; chỉ mục đầy đủ sau "
                      f"{edit.get('chi_muc_day_du_giay', edit['tim_duoc_giay']):.2f} s); "
                      f"đo từ: {', '.join(edit['nguon'])}"]
    warm = data.get("phuc_vu_nong")
    lines.append(f"Phục vụ nóng (invoke serve): sửa hiện trên thẻ đang mở sau {warm['giay']:.2f} s, bộ nhớ "
                 f"{warm['bo_nho_mb']:.0f} MB; máy chủ Hugo {warm['may_chu_hugo_giay']} s "
                 f"({warm['so_voi_may_chu_hugo']} × của Hugo)" if warm else
                 "Phục vụ nóng (invoke serve): chưa đo (chưa có bench.warm)")
    if data.get("ci"):
        size = data.get("ci_quy_mo")
        if size:
            lines += ["", f"CI chạy lại trên tỉnh riêng {size['so_cong']}×{size['so_muc_moi_cong']} (mỗi việc một bản "
                          f"sao mới); tham chiếu: Hugo dựng toàn bộ tỉnh đó {size['hugo_giay']} s"]
        ci_rows = [("CI (bản sao mới)", "Đường găng (s)", "Các lượt (s)", "Tổng các việc (s)", "Việc xây dựng",
                    "Bước lỗi")]
        ci_rows += [(name, f"{r['duong_gang_giay']:.1f}", " ".join(f"{s:.1f}" for s in r["cac_lan_duong_gang_giay"]),
                     f"{r['tong_giay']:.1f}", str(r["chi_tiet"]["so_viec_xay_dung"]), "; ".join(r["buoc_loi"]) or "-")
                    for name, r in data["ci"].items()]
        lines += [""] + _columns(ci_rows)
    if data.get("quy_mo"):
        lines += ["", sizes.table(data["quy_mo"])]
    downloads_ = data.get("tai_ve")
    if downloads_:
        lines += ["", "Người dân tải về (byte truyền đi, nén gzip như docs/deployment-headers.md; lần đầu, "
                      "bộ nhớ đệm trống):",
                  f"  trang chủ {downloads_['trang_chu']['tong']:,}; trang tin {downloads_['trang_tin']['tong']:,}"]
        for key, label in (("tim_kiem_don_vi", "tìm trên cổng đơn vị"), ("tim_kiem_toan_tinh", "tìm toàn tỉnh"),
                           ("tim_kiem_toan_tinh_toan_van", "tìm toàn tỉnh, toàn văn (không xét ngân sách)")):
            entry = downloads_.get(key)
            if not entry:
                continue
            lines.append(f"  {label} ({entry['cong']}): " + ", ".join(f"«{q['trang']}» {q['tong']:,}"
                                                                       for q in entry["truy_van"])
                         + f"; lớn nhất {entry['lon_nhat']:,} (chưa nén {entry['lon_nhat_chua_nen']:,}; "
                           f"ngân sách {entry['ngan_sach']:,}: {'ĐẠT' if entry['dat'] else 'CHƯA ĐẠT'})")
    lines += ["", "Mục tiêu của issue 15 (trung vị của các lượt):"] + target_lines(data["muc_tieu"]) + [""]
    for key, value in data.get("tham_chieu", {}).items():
        lines.append(f"tham chiếu {key}: {value}")
    speed = data["toc_do_muc_moi_giay"]
    lines.append(f"Tốc độ (tệp/giây): ours {speed['ours_cold']}, Pelican {speed['pelican']}, Hugo {speed['hugo']}")
    return "\n".join(lines)


def _columns(rows: list[tuple]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def save(data: dict, path: Path) -> list[Path]:
    """The JSON at ``path``, and beside it the pictures: the cold build's timeline and the growth charts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written = [path]
    if data.get("dong_thoi_gian"):
        picture = path.with_name(f"{path.stem}-timeline.svg")
        size = data["tham_so"]
        picture.write_text(timeline.svg(data["dong_thoi_gian"], f"Cold build, {size['so_cong']} sites × "
                                                                f"{size['so_muc_moi_cong']:,} items"), encoding="utf-8")
        written.append(picture)
    if data.get("quy_mo"):
        picture = path.with_name(f"{path.stem}-sizes.svg")
        picture.write_text(sizes.svg(data["quy_mo"]), encoding="utf-8")
        written.append(picture)
    return written
