"""A synthetic province for benchmarks: every content type, realistic Vietnamese text, valid front matter.

Sentences are taken from the demo province's own Markdown, so the text has real Vietnamese syllables,
diacritics and sentence lengths. Output is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zlib
from pathlib import Path

from portal import sites

from . import trash

# Share of items per type (the rest of a site's items are news).
MIX = {"thong-bao": 0.10, "van-ban": 0.10, "thu-tuc": 0.08, "lich-cong-tac": 0.05, "hoi-dap": 0.05,
       "pho-bien-phap-luat": 0.04, "du-thao": 0.02, "du-an": 0.02, "ngan-sach": 0.02, "quy-hoach": 0.02}
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80"><title>Sơ đồ</title>'
       '<rect width="200" height="80" fill="#b0161e"/></svg>\n')
PAGES = ["co-cau-to-chuc", "chuc-nang-nhiem-vu", "qua-trinh-hinh-thanh", "lanh-dao", "tiep-can-thong-tin",
         "chat-luong-dich-vu-cong", "gioi-thieu"]
LINH_VUC = ["Hộ tịch", "Chứng thực", "Đất đai", "Giáo dục và Đào tạo", "Y tế", "Văn hóa", "Giao thông vận tải",
            "Tài nguyên và Môi trường", "Khoa học và Công nghệ", "Tư pháp", "Nội vụ", "Tài chính"]
TAGS = ["chuyển đổi số", "cải cách hành chính", "nông thôn mới", "an sinh xã hội", "đầu tư công", "giáo dục",
        "y tế", "văn hóa", "môi trường", "pháp luật"]


def corpus(content_dir: Path) -> list[str]:
    """Sentences from the demo content bodies."""
    sentences = []
    for path in sorted(content_dir.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for line in body.splitlines():
            line = line.strip().lstrip("-*0123456789. ")
            if len(line) > 60 and not line.startswith(("#", "|", "!", "[")):
                sentences += [s.strip() for s in re.split(r"(?<=[.;:])\s+", line) if len(s.strip()) > 30]
    return sentences


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    def __init__(self, sentences: list[str], seed: int):
        self.s = sentences
        self.r = random.Random(seed)

    def title(self) -> str:
        words = self.r.choice(self.s).rstrip(".;:").split()
        return " ".join(words[: self.r.randint(8, 14)])

    def body(self, paragraphs: int) -> str:
        out = []
        for index in range(paragraphs):
            if index and index % 3 == 0:
                out.append(f"## {self.title()}")
            out.append(" ".join(self.r.choice(self.s) for _ in range(self.r.randint(2, 5))))
        return "\n\n".join(out) + "\n"


def generate(dest: Path, sites_count: int, items: int, content_dir: Path, seed: int = 2026) -> Path:
    """Write ``dest/content/`` with one provincial site and ``sites_count - 1`` units of ``items`` items each."""
    trash.discard(dest)
    w = Writer(corpus(content_dir), seed)
    base = dt.datetime(2026, 11, 20, 8, 0)
    pdf = _tiny_pdf()
    ids = ["tinh"] + [f"don-vi-{n:03d}" for n in range(1, sites_count)]
    for number, site_id in enumerate(ids):
        folder = dest / "content" / site_id
        (folder / "tep").mkdir(parents=True)
        (folder / "tep" / "tai-lieu.pdf").write_bytes(pdf)
        (folder / "anh").mkdir()
        (folder / "anh" / "so-do.svg").write_text(SVG, encoding="utf-8")
        level = "tinh" if site_id == "tinh" else ("so-nganh" if number % 2 else "xa")
        host = "tinhmau.gov.vn" if site_id == "tinh" else f"{site_id}.tinhmau.gov.vn"
        parent = "" if level == "tinh" else "don_vi_cap_tren: {ten: Ủy ban nhân dân tỉnh Mẫu, cong: tinh}\n"
        (folder / "site.yaml").write_text(
            f"ten_day_du: {'Ủy ban nhân dân tỉnh Mẫu' if level == 'tinh' else f'Đơn vị số {number} tỉnh Mẫu'}\n"
            f"ten_ngan: {'UBND tỉnh Mẫu' if level == 'tinh' else f'Đơn vị {number}'}\ncap: {level}\n{parent}"
            f"dia_chi_web: https://{host}\ndia_chi: Số {number + 1} đường Trần Phú, tỉnh Mẫu\n"
            f'dien_thoai: "0200 38{number:05d}"\nemail: vanthu@{host}\n'
            f"dau_moi_cung_cap_thong_tin: {{ho_ten: Nguyễn Văn An, chuc_vu: Chánh Văn phòng}}\n"
            f"ban_bien_tap: {{truong_ban: {{ho_ten: Trần Thị Bình, chuc_vu: Phó Giám đốc}}}}\ndu_lieu_mau: true\n"
            + ("tong_hop:\n  nguon:\n" + "".join(f"    - cong: {s}\n" for s in ids) if level == "tinh" else ""),
            encoding="utf-8")
        counts = {t: max(1, int(items * share)) for t, share in MIX.items()}
        counts["tin-tuc"] = max(1, items - sum(counts.values()) - len(PAGES))
        for type_id, count in counts.items():
            (folder / type_id).mkdir()
            for i in range(count):
                when = base - dt.timedelta(hours=7 * i + number)
                _item(folder / type_id, type_id, i, when, w, site_id)
        (folder / "trang").mkdir()
        for i, kind in enumerate(PAGES):
            _page(folder / "trang", kind, i, w)
    return dest


def _item(folder: Path, type_id: str, i: int, when: dt.datetime, w: Writer, site_id: str) -> None:
    r = w.r
    head = [f"tieu_de: {_q(w.title() + f' (số {i + 1})')}", f"ngay: {when:%Y-%m-%d %H:%M}"]
    extra: list[str] = []
    body = w.body(r.randint(3, 9))
    day = when.date()
    if type_id == "tin-tuc":
        extra = [f"tom_tat: {_q(r.choice(w.s))}", f"tu_khoa: [{', '.join(r.sample(TAGS, 2))}]"]
    elif type_id == "thong-bao":
        extra = [f'so_ky_hieu: "{i + 1}/TB-UBND"']
    elif type_id == "van-ban":
        extra = [f'so_ky_hieu: "{i + 1}/{day.year}/QĐ-UBND"', "loai_van_ban: quyet-dinh",
                 "co_quan_ban_hanh: Ủy ban nhân dân tỉnh Mẫu", "nguoi_ky: Lê Văn Cường",
                 f"ngay_ban_hanh: {day - dt.timedelta(days=2)}", f"ngay_hieu_luc: {day + dt.timedelta(days=10)}",
                 f"trich_yeu: {_q(w.title())}", f"linh_vuc: {r.choice(LINH_VUC)}", "tinh_trang: con-hieu-luc",
                 "dinh_kem: [{ten: Toàn văn, tep: tep/tai-lieu.pdf}]"]
    elif type_id == "thu-tuc":
        code = f"1.{(zlib.crc32(site_id.encode()) % 900 + 100):03d}{i:03d}.000.00.00.H98"
        extra = [f"ma_thu_tuc: {code}", f'quyet_dinh_cong_bo: {{so_ky_hieu: "{i + 5}/QĐ-UBND", ngay_ban_hanh: {day}}}',
                 "cap_thuc_hien: [tinh]", "loai_thu_tuc: khong-duoc-luat-giao", f"linh_vuc: {r.choice(LINH_VUC)}",
                 "trinh_tu_thuc_hien:", *[f"  - {_q('Bước ' + str(n) + ': ' + r.choice(w.s))}" for n in (1, 2, 3)],
                 "cach_thuc_thuc_hien:",
                 '  - {hinh_thuc: truc-tiep, thoi_han: "05 ngày làm việc", phi_le_phi: "Không"}',
                 '  - {hinh_thuc: truc-tuyen, thoi_han: "05 ngày làm việc", phi_le_phi: "Không"}',
                 "thanh_phan_ho_so:",
                 '  - {ten: "Tờ khai theo mẫu", mau_don: tep/tai-lieu.pdf, ban_chinh: 1, ban_sao: 0}',
                 'thoi_han_giai_quyet: "05 ngày làm việc"', "doi_tuong_thuc_hien: [Cá nhân, Tổ chức]",
                 "co_quan_thuc_hien: Ủy ban nhân dân tỉnh Mẫu", "ket_qua_thuc_hien: [Văn bản chấp thuận]",
                 "can_cu_phap_ly: [{so_ky_hieu: 123/2015/NĐ-CP, trich_yeu: Nghị định quy định chi tiết}]",
                 f"muc_do: {r.choice(['toan-trinh', 'mot-phan'])}",
                 "lien_ket_dvc: https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"]
    elif type_id == "lich-cong-tac":
        monday = day - dt.timedelta(days=day.weekday() + 7 * i)
        head = [f"ngay: {monday - dt.timedelta(days=3)} 16:00"]
        extra = [f"tu_ngay: {monday}", "lich:"] + [
            f"  - {{ngay: {monday + dt.timedelta(days=d)}, buoi: {r.choice(['sang', 'chieu'])}, gio: \"08:00\", "
            f"noi_dung: {_q(w.title())}, lanh_dao: Chủ tịch UBND tỉnh, dia_diem: Phòng họp số 1}}" for d in range(5)]
        body = ""
    elif type_id == "hoi-dap":
        extra = [f"cau_hoi: {_q(r.choice(w.s))}", "nguoi_hoi: Nguyễn Thị Hoa", "co_quan_tra_loi: Văn phòng UBND tỉnh"]
    elif type_id == "pho-bien-phap-luat":
        extra = [f"linh_vuc: {r.choice(LINH_VUC)}"]
    elif type_id == "du-thao":
        extra = ["co_quan_chu_tri: Sở Tư pháp", f"han_gop_y: {day + dt.timedelta(days=30)}",
                 "dinh_kem: [{ten: Dự thảo, tep: tep/tai-lieu.pdf}]"]
    elif type_id == "du-an":
        extra = ["loai: du-an-dau-tu", "chu_dau_tu: Ban Quản lý dự án tỉnh", "nguon_von: Ngân sách tỉnh",
                 "tinh_trang: dang-thuc-hien", f"tong_muc_dau_tu: {r.randint(1, 90) * 1_000_000_000}"]
    elif type_id == "ngan-sach":
        extra = ["loai: du-toan", f"nam: {day.year}", "dinh_kem: [{ten: Biểu mẫu, tep: tep/tai-lieu.pdf}]"]
    elif type_id == "quy-hoach":
        extra = ["loai: ke-hoach", f'giai_doan: "{day.year}"']
    text = "---\n" + "\n".join(head + extra) + "\n---\n" + body
    (folder / f"{type_id}-{i:05d}.md").write_text(text, encoding="utf-8")


def _page(folder: Path, kind: str, i: int, w: Writer) -> None:
    extra = []
    if kind == "lanh-dao":
        extra = ["lanh_dao:", "  - {ho_ten: Lê Văn Cường, chuc_vu: Chủ tịch, tieu_su: " + _q(w.r.choice(w.s))
                 + ", nhiem_vu: " + _q(w.r.choice(w.s)) + "}"]
    elif kind == "tiep-can-thong-tin":
        extra = ["danh_muc_thong_tin:", "  - {thong_tin: Văn bản, chuyen_muc: van-ban, hinh_thuc: Đăng trên cổng, "
                 "thoi_diem: Trong 02 ngày làm việc, thoi_han: Thường xuyên, han_dang_ngay_lam_viec: 2}"]
    elif kind == "chat-luong-dich-vu-cong":
        extra = ["dich_vu_cong:"] + [f"  {k}: {_q(w.r.choice(w.s))}" for k in (
            "cam_ket_chat_luong", "chi_so_giam_sat", "co_che_phan_hoi", "ket_qua_cai_thien", "hieu_qua_su_dung",
            "muc_do_hai_long")]
    elif kind == "co-cau-to-chuc":
        extra = ["anh: {tep: anh/so-do.svg, mo_ta: Sơ đồ cơ cấu tổ chức}"]
    text = "---\n" + "\n".join([f"tieu_de: {_q(w.title())}", f"loai_trang: {kind}", f"thu_tu: {i}"] + extra)
    (folder / f"{kind}.md").write_text(text + "\n---\n" + w.body(4), encoding="utf-8")


def _tiny_pdf() -> bytes:
    stream = b"BT /F1 14 Tf 72 720 Td (Tai lieu) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def count_items(root: Path) -> int:
    site_dirs, _ = sites.discover(root / "content")
    return sum(1 for d in site_dirs for _ in d.rglob("*.md"))
