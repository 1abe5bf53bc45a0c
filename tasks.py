"""Tasks for building, previewing and checking the province's portals (run with ``invoke``).

    invoke build [--site ID ...] [--production]   build sites into output/<site>/
    invoke check [--site ID ...]                  validate content without building
    invoke serve [--port 8000]                    preview with rebuild on change
    invoke new --type tin-tuc --site stp --title "..."   scaffold an item
    invoke compliance [--as-of 2026-11-23] [--strict]   compliance reports for the province
    invoke aggregate [--as-of 2026-11-23]         merge every unit into the provincial portal (after build)
    invoke clean                                  remove output/
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from portal import check as checking  # noqa: E402
from portal import console, content_types, scaffold, sites  # noqa: E402
from portal.build import build_province  # noqa: E402
from portal.problems import ERROR  # noqa: E402

OUTPUT = ROOT / "output"
CONTENT = ROOT / "content"


def _settings_file(production: bool) -> Path:
    return ROOT / ("publishconf.py" if production else "pelicanconf.py")


def _compliance_settings(production: bool = False):
    """The typed COMPLIANCE settings of the settings file (read without starting Pelican)."""
    import runpy

    from compliance import settings as compliance_settings

    return compliance_settings.read(runpy.run_path(str(_settings_file(production))))[0]


def _report(result) -> int:
    problems = result.all_problems()
    if problems:
        print(console.format_problems(problems))
        print()
    rows = []
    for s in result.sites:
        errors, warnings = console.count(s.problems)
        rows.append((s.site_id, s.name, "đã xây dựng" if s.built else "LỖI - giữ bản cũ", errors, warnings))
    if rows:
        print(console.summary_table(rows))
    errors, warnings = console.count(problems)
    built = sum(s.built for s in result.sites)
    print(f"\nĐã xây dựng {built}/{len(result.sites)} cổng; {errors} lỗi, {warnings} cảnh báo.")
    return 0 if result.ok else 1


@task(iterable=["site"], help={
    "site": "mã cổng cần xây dựng (lặp lại để chọn nhiều cổng); bỏ trống để xây dựng tất cả",
    "production": "dùng publishconf.py: đường dẫn tuyệt đối theo tên miền của từng cổng",
    "jobs": "số tiến trình song song (mặc định: số lõi CPU)",
    "no_search": "bỏ qua bước tạo chỉ mục tìm kiếm Pagefind",
})
def build(c, site=None, production=False, jobs=0, no_search=False):
    """Build every site (or the given ones) into output/<site>/; a failed site keeps its last good output."""
    result = build_province(ROOT, _settings_file(production), OUTPUT, site or None, jobs=int(jobs),
                            search=not no_search)
    code = _report(result)
    index = OUTPUT / "index.html"
    if index.exists():
        print(f"Mở trang danh sách các cổng: {index}")
        print("Hoặc xem thử qua máy chủ cục bộ: invoke serve, rồi mở http://localhost:8000/")
    if code:
        raise Exit(code=code)


@task(iterable=["site"], help={"site": "mã cổng cần kiểm tra (lặp lại để chọn nhiều cổng)"})
def check(c, site=None):
    """Validate content and site.yaml of every site (or the given ones) without building anything."""
    site_dirs, problems = sites.discover(CONTENT, ROOT)
    if site:
        unknown = set(site) - {d.name for d in site_dirs}
        if unknown:
            raise Exit(f"Không có cổng: {', '.join(sorted(unknown))}", code=2)
        site_dirs = [d for d in site_dirs if d.name in site]
    rows = []
    for site_dir in site_dirs:
        result = checking.check_site(site_dir, ROOT)
        problems += result.problems
        errors, warnings = console.count(result.problems)
        rows.append((site_dir.name, result.site.name if result.site else "", "đạt" if result.ok else "LỖI",
                     errors, warnings))
    if problems:
        print(console.format_problems(problems) + "\n")
    print(console.summary_table(rows))
    errors, warnings = console.count(problems)
    print(f"\nĐã kiểm tra {len(rows)} cổng: {errors} lỗi, {warnings} cảnh báo.")
    if any(p.severity == ERROR for p in problems):
        raise Exit(code=1)


@task(help={"port": "cổng mạng của máy chủ xem thử", "site": "chỉ xây dựng lại cổng này"})
def serve(c, port=8000, site=None):
    """Preview output/ at http://localhost:PORT/ and rebuild a site whenever its files change."""
    from watchfiles import watch

    build_province(ROOT, _settings_file(False), OUTPUT, [site] if site else None)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(OUTPUT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Đang phục vụ {OUTPUT} tại http://localhost:{port}/ (Ctrl+C để dừng)")
    shared = (ROOT / "themes", ROOT / "plugins", ROOT / "pelicanconf.py")
    try:
        for changes in watch(CONTENT, *shared):
            paths = [Path(p) for _, p in changes]
            if any(not p.is_relative_to(CONTENT) for p in paths):
                targets = [site] if site else None  # theme or plugin changed: every site
            else:
                targets = sorted({p.relative_to(CONTENT).parts[0] for p in paths})
            print(f"Thay đổi: {', '.join(str(p.relative_to(ROOT)) for p in paths[:5])} → xây dựng lại")
            _report(build_province(ROOT, _settings_file(False), OUTPUT, targets))
    except KeyboardInterrupt:
        server.shutdown()


@task(help={
    "type": "loại tin bài: " + ", ".join(t.id for t in content_types.TYPES),
    "site": "mã cổng (thư mục trong content/)",
    "title": "tiêu đề",
})
def new(c, type, site, title=""):  # noqa: A002 - 'type' is the option editors type
    """Create a new item of the given type in a site, with valid front matter to fill in."""
    try:
        path = scaffold.create(CONTENT, site, type, title, dt.datetime.now())
    except scaffold.ScaffoldError as exc:
        raise Exit(str(exc), code=2) from None
    print(f"Đã tạo {path.relative_to(ROOT)}; hãy điền các trường còn trống rồi chạy: invoke check --site {site}")


@task(iterable=["site"], help={
    "as_of": "ngày đánh giá YYYY-MM-DD (mặc định: hôm nay); quy định có hiệu lực vào ngày này được áp dụng",
    "site": "mã cổng cần đánh giá (lặp lại để chọn nhiều cổng); bỏ trống: cả tỉnh",
    "strict": "thoát với mã 1 nếu có phát hiện quá hạn hoặc thiếu từ mức độ --severity trở lên",
    "severity": "mức độ thấp nhất làm hỏng --strict: cao, trung-binh hoặc thap (mặc định: cao)",
    "output": "thư mục ghi báo cáo (mặc định: output/tuan-thu/<ngày đánh giá>/)",
    "no_git": "không dùng lịch sử git làm bằng chứng thời điểm đăng",
})
def compliance(c, as_of="", site=None, strict=False, severity="cao", output="", no_git=False):
    """Check every site against the rules in force on a date; write JSON, CSV, XLSX and HTML reports."""
    from compliance import html_report, reports
    from compliance.engine import evaluate
    from compliance.model import QUA_HAN, SEVERITIES, THIEU
    from portal.dates import parse_date

    day = parse_date(as_of) if as_of else dt.date.today()
    if day is None:
        raise Exit(f"--as-of phải là ngày có thật dạng YYYY-MM-DD, đang là «{as_of}».", code=2)
    if severity not in SEVERITIES:
        raise Exit(f"--severity phải là một trong: {', '.join(SEVERITIES)}; đang là «{severity}».", code=2)
    typed = _compliance_settings()
    evaluation = evaluate(ROOT, day, site or None, typed, use_git=not no_git)
    unknown = set(site or []) - {s.site_id for s in evaluation.sites}
    if unknown:
        raise Exit(f"Không có cổng: {', '.join(sorted(unknown))}", code=2)
    if evaluation.problems:
        print(console.format_problems(evaluation.problems) + "\n")
        raise Exit("Bộ quy tắc có lỗi; sửa các lỗi trên rồi chạy lại.", code=1)
    errors = [p for p in evaluation.content_problems if p.severity == ERROR]
    if errors:
        print(f"Lưu ý: {len(errors)} lỗi nội dung (xem invoke check); các tệp lỗi không được đánh giá.\n")
    folder = Path(output) if output else OUTPUT / "tuan-thu" / day.isoformat()
    from aggregate.store import Store, read_json

    aggregated = read_json(Store(ROOT / ".cache" / "tong-hop").result_path, {}) or {}
    sources = aggregated.get("nguon", [])
    paths = reports.write_all(evaluation, folder, sources)
    paths["html"] = folder / "bao-cao-tuan-thu.html"
    paths["html"].write_text(html_report.render(evaluation, ROOT / "themes" / "cong-thong-tin" / "templates"),
                             encoding="utf-8")
    print(f"Báo cáo tuân thủ ngày {day:%d/%m/%Y}; bộ quy tắc áp dụng: "
          + ", ".join(r.ma for r in evaluation.used_rule_sets()) + "\n")
    print(reports.terminal(evaluation, limit=40))
    faulty = [h for h in sources if h["trang_thai"] != "tot"]
    if sources:
        print(f"\nNguồn tổng hợp: {len(sources) - len(faulty)}/{len(sources)} hoạt động tốt"
              + "".join(f"\n    {h['ma']}: {h['trang_thai_nhan']}; {'; '.join(h['loi'])}" for h in faulty))
    print("\nĐã ghi: " + ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths.values()))
    if strict:
        floor = SEVERITIES.index(severity)
        failing = [f for f in evaluation.findings
                   if f.trang_thai in (QUA_HAN, THIEU) and SEVERITIES.index(f.rule.muc_do) >= floor]
        if failing:
            raise Exit(f"--strict: {len(failing)} phát hiện quá hạn hoặc thiếu ở mức độ từ «{severity}» trở lên.",
                       code=1)


@task(help={
    "as_of": "ngày đánh giá tuân thủ cho bảng theo dõi YYYY-MM-DD (mặc định: hôm nay)",
    "production": "xây dựng lại cổng tỉnh bằng publishconf.py",
})
def aggregate(c, as_of="", production=False):
    """Merge every unit's news, procedures, documents and compliance into the provincial portal (run after build)."""
    from aggregate.pipeline import aggregate as run_aggregate
    from portal.dates import parse_date

    day = parse_date(as_of) if as_of else dt.date.today()
    if day is None:
        raise Exit(f"--as-of phải là ngày có thật dạng YYYY-MM-DD, đang là «{as_of}».", code=2)
    typed = _compliance_settings(production)
    try:
        result = run_aggregate(ROOT, OUTPUT, ROOT / ".cache" / "tong-hop", day, dt.datetime.now().replace(microsecond=0),
                               settings=typed)
    except LookupError as exc:
        raise Exit(str(exc), code=2) from None
    rows = [(h["ma"], h["ten"], h["trang_thai_nhan"], h["so_tin"], "; ".join(h["loi"]) or "-") for h in result.health]
    widths = [max(len(str(r[i])) for r in rows + [("Nguồn", "Đơn vị", "Tình trạng", "Số tin", "Sự cố")])
              for i in range(5)]
    for row in [("Nguồn", "Đơn vị", "Tình trạng", "Số tin", "Sự cố")] + rows:
        print("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row)).rstrip())
    print(f"\nĐã tổng hợp {result.counts['tin_tuc']} tin, {result.counts['thu_tuc']} thủ tục, "
          f"{result.counts['van_ban']} văn bản; {len(result.faulty)} nguồn có sự cố (vẫn giữ bản lưu gần nhất).")
    code = _report(build_province(ROOT, _settings_file(production), OUTPUT, [result.province]))
    print(f"Xem: {OUTPUT / result.province / 'tong-hop' / 'index.html'}")
    if code:
        raise Exit(code=code)


@task
def clean(c):
    """Remove the output folder."""
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    print(f"Đã xóa {OUTPUT.relative_to(ROOT)}/")


@task(help={"args": "tham số thêm cho pytest"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False, env={"PYTHONHASHSEED": "0", **os.environ})
