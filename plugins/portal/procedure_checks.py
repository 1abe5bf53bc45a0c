"""Problems of procedures (TTHC) the schema cannot state: in one file, and across one site.

In one file (:func:`file_problems`, cached with the file):
- each field of the national set that is missing: a warning (the procedure is published "chưa đủ thông
  tin", see :mod:`portal.procedures`), dropped by :func:`portal.document.load` when the file has an error
  (it is not published at all);
- an online row in ``cach_thuc_thuc_hien`` with no ``muc_do``, or a ``muc_do`` with no online row: a
  warning on the line that says the other thing.

Across one site (:func:`site_problems`, needs ``site.yaml``):
- a code whose province suffix is not the site's ``ma_tinh``: a warning;
- levels (``cap_thuc_hien``) that do not include the site's own: a warning;
- one code on two files of the site: an error on each, listing every file (one procedure, one page).
  The same code on many sites (every xã publishes the xã procedures) is normal;
- one lĩnh vực or cơ quan thực hiện spelt two ways: a warning on each file that does not use the
  spelling the filters show (:mod:`portal.facets`).
"""

from __future__ import annotations

from . import facets, procedures, schema
from .problems import ERROR, WARNING, Problem, short

TYPE = procedures.TYPE
# The level(s) of cap_thuc_hien that fit a site of each level (site.yaml ``cap``).
LEVELS_OF_SITE = {"xa": ("xa",), "so-nganh": ("tinh",), "tinh": ("tinh", "xa"), "huyen": ("huyen",)}
FACETS = ("linh_vuc", "co_quan_thuc_hien")
MISSING = "thu-tuc-chua-du"  # a field of the national set is missing: said only of a file that will be published


def file_problems(doc) -> list[Problem]:
    """Warnings of one procedure file: missing national fields, level and channels that disagree."""
    f, problems = doc.fields, []

    def warn(path, message, expected, found, code):
        problems.append(Problem(doc.rel, doc.line_of(path), message, field=schema.dotted(path),
                                label=schema.label(TYPE, path), expected=expected, found=found, severity=WARNING,
                                code=code))

    for key in procedures.missing(f):
        warn((key,), "Chưa có trường này: thủ tục được đăng ở trạng thái «chưa đủ thông tin» (trang ghi rõ trường còn"
             " thiếu và chỉ tới Cổng Dịch vụ công quốc gia).",
             f"«{key}: …» lấy từ Cổng Dịch vụ công quốc gia hoặc quyết định công bố; không tự đặt giá trị",
             "không có", MISSING)
    rows = f.get("cach_thuc_thuc_hien") or []
    ways = procedures.channels(f)
    level = f.get("muc_do")
    if level not in procedures.ONLINE_LEVELS and "truc-tuyen" in ways:
        index = next(i for i, r in enumerate(rows) if isinstance(r, dict) and r.get("hinh_thuc") == "truc-tuyen")
        warn(("cach_thuc_thuc_hien", index, "hinh_thuc"),
             "Có hình thức nộp trực tuyến nhưng chưa ghi mức độ dịch vụ công trực tuyến (muc_do); trang ghi "
             "«Trực tuyến (chưa rõ mức độ)».",
             "thêm «muc_do: toan-trinh» hoặc «muc_do: mot-phan» và «lien_ket_dvc» theo Cổng Dịch vụ công",
             "«truc-tuyen», không có muc_do", "thu-tuc-mau-thuan")
    if level in procedures.ONLINE_LEVELS and ways and "truc-tuyen" not in ways:
        written = ", ".join(schema.value_label(TYPE, ("cach_thuc_thuc_hien", 0, "hinh_thuc"), w) for w in ways)
        warn(("muc_do",),
             f"Mức độ ghi «{schema.value_label(TYPE, ('muc_do',), level)}» (nộp được trực tuyến) nhưng Cách thức thực "
             "hiện không có hình thức nộp trực tuyến; trang hiện nút nộp trực tuyến kèm lời báo dữ liệu chưa "
             "thống nhất.",
             "thêm một dòng «hinh_thuc: truc-tuyen» vào cach_thuc_thuc_hien, hoặc bỏ muc_do nếu thủ tục không nộp "
             "trực tuyến", f"«{level}»; cách thức: {written}", "thu-tuc-mau-thuan")
    return problems


def site_problems(documents: list, config: dict | None, site_file: str = "") -> list[Problem]:
    """Problems of the procedures of one site taken together (``config``: its validated site.yaml)."""
    docs = [d for d in documents if d.type.id == TYPE]
    if not docs:
        return []
    config = config or {}
    return (_province_suffix(docs, config.get("ma_tinh"), site_file) + _levels(docs, config.get("cap"))
            + _duplicates(docs) + _spellings(docs))


def duplicate_files(problems: list[Problem]) -> set[str]:
    """Files reported as sharing a code: their address collision is the same fault, said once."""
    return {p.path for p in problems if p.code == "trung-ma-thu-tuc"}


def _province_suffix(docs, province: str | None, site_file: str) -> list[Problem]:
    coded = [(d, procedures.code_parts(d.fields.get("ma_thu_tuc"))) for d in docs]
    coded = [(d, parts) for d, parts in coded if parts]
    if not coded:
        return []
    if not province:
        return [Problem(site_file, 0, "site.yaml chưa có «ma_tinh» (mã cơ quan cấp tỉnh trong mã thủ tục) nên không "
                        "kiểm tra được mã thủ tục có đúng của tỉnh hay không.", field="ma_tinh",
                        label=schema.label("site", ("ma_tinh",)), expected="«ma_tinh: H» và 2 chữ số, ví dụ H37",
                        found="không có", severity=WARNING, code="thieu-ma-tinh")]
    problems = []
    for doc, (number, suffix) in coded:
        if suffix != province:
            problems.append(Problem(
                doc.rel, doc.line_of(("ma_thu_tuc",)),
                f"Mã thủ tục có đuôi «{suffix}» của tỉnh khác: tỉnh của cổng này là «{province}» (ma_tinh trong "
                "site.yaml). Mã của tỉnh khác thường do chép từ trang của tỉnh khác.",
                field="ma_thu_tuc", label=schema.label(TYPE, ("ma_thu_tuc",)),
                expected=f"mã của thủ tục tại tỉnh này, kết thúc bằng .{province} (tra trên Cổng Dịch vụ công), ví dụ "
                         f"{number}.000.00.00.{province}; chưa có mã thì bỏ trường này",
                found=short(doc.fields["ma_thu_tuc"]), severity=WARNING, code="ma-tinh-khac"))
    return problems


def _levels(docs, site_level: str | None) -> list[Problem]:
    fitting = LEVELS_OF_SITE.get(site_level or "", ())
    problems = []
    for doc in docs:
        levels = doc.fields.get("cap_thuc_hien") or []
        if fitting and levels and not set(levels) & set(fitting):
            names = " hoặc ".join(schema.value_label(TYPE, ("cap_thuc_hien", 0), v) for v in fitting)
            problems.append(Problem(
                doc.rel, doc.line_of(("cap_thuc_hien",)),
                f"Cấp thực hiện không có cấp của cổng này ({names}); kiểm tra lại với quyết định công bố.",
                field="cap_thuc_hien", label=schema.label(TYPE, ("cap_thuc_hien",)),
                expected=f"danh sách có {' hoặc '.join(fitting)}", found=short(levels), severity=WARNING,
                code="cap-khong-khop"))
    return problems


def _duplicates(docs) -> list[Problem]:
    by_code: dict[tuple, list] = {}
    for doc in docs:
        parts = procedures.code_parts(doc.fields.get("ma_thu_tuc"))
        if parts:
            by_code.setdefault(parts, []).append(doc)
    problems = []
    for _code, group in sorted(by_code.items()):
        if len(group) < 2:
            continue
        files = [d.rel for d in sorted(group, key=lambda d: d.rel)]
        for doc in group:
            problems.append(Problem(
                doc.rel, doc.line_of(("ma_thu_tuc",)),
                f"Mã thủ tục {doc.fields['ma_thu_tuc']} có ở {len(files)} tệp của cổng này: {', '.join(files)}. "
                "Mỗi thủ tục chỉ có một trang.",
                field="ma_thu_tuc", label=schema.label(TYPE, ("ma_thu_tuc",)),
                expected="gộp các tệp thành một (giữ tệp đầy đủ nhất, chép phần còn thiếu vào đó, xóa các tệp kia); "
                         "nếu là thủ tục khác thì sửa mã cho đúng thủ tục",
                found="trùng mã với " + ", ".join(f for f in files if f != doc.rel), severity=ERROR,
                code="trung-ma-thu-tuc"))
    return problems


def _spellings(docs) -> list[Problem]:
    problems = []
    for key in FACETS:
        for group in facets.variants((d.fields.get(key), d) for d in docs):
            same = sorted(d.rel for d in group.places.get(group.chosen, []))
            where = f" (như {', '.join(same)})" if same else ""
            for spelling, places in sorted(group.others().items()):
                for doc in places:
                    problems.append(Problem(
                        doc.rel, doc.line_of((key,)),
                        f"«{spelling}» chỉ khác «{group.chosen}» ở chữ hoa, chữ thường, khoảng trắng hoặc cách gõ dấu; "
                        f"bộ lọc coi là một giá trị và hiện «{group.chosen}».",
                        field=key, label=schema.label(TYPE, (key,)),
                        expected=f"viết thống nhất «{group.chosen}»{where}", found=f"«{spelling}»",
                        severity=WARNING, code="gia-tri-loc"))
    return problems
