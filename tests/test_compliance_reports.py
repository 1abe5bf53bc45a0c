"""`invoke compliance` on the demo province: every state shown at fixed dates, every report format."""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import project as project_at  # noqa: E402
from openpyxl import load_workbook

from compliance.engine import evaluate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = {}
    for day in ("2026-03-02", "2026-11-23"):
        folder = tmp_path_factory.mktemp(day)
        proc = subprocess.run([sys.executable, "-m", "invoke", "compliance", "--as-of", day, "--output", str(folder)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out[day] = (folder, proc.stdout)
    return out


def test_demo_shows_every_state_on_23_november_2026():
    from pelican.settings import read_settings

    from compliance import settings

    typed, _ = settings.read(read_settings(str(ROOT / "pelicanconf.py")))
    ev = evaluate(project_at(ROOT), dt.date(2026, 11, 23), settings=typed)
    states = {f.trang_thai for f in ev.findings}
    assert states == {"dat", "sap-den-han", "qua-han", "thieu"}
    pinned = {(f.site, f.rule.ma, f.trang_thai) for f in ev.findings}
    assert ("hosen", "nd224-d13-k1a-tam-ngung", "qua-han") in pinned       # outage announced 3 working days ahead
    assert ("stp", "nd224-d13-k1a-tam-ngung", "dat") in pinned
    assert ("skhcn", "nd224-d10-k3b-danh-gia-hai-long", "thieu") in pinned
    assert ("thanhvan", "tv-d12-k1-lich-tuan", "dat") in pinned            # week of 23/11 posted on 20/11
    assert ("stp", "tv-d12-k1-lich-tuan", "qua-han") in pinned
    assert ("thanhvan", "thanhvan-danh-muc-3-cap-nhat", "sap-den-han") in pinned


def test_report_formats_on_both_dates(reports):
    schema = json.loads((ROOT / "plugins/portal/schemas/compliance-report.schema.json").read_text(encoding="utf-8"))
    for day, (folder, stdout) in reports.items():
        data = json.loads((folder / "bao-cao-tuan-thu.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        assert data["ngay_danh_gia"] == day
        assert {s["ma"] for s in data["cong"]} == {"thanhvan", "stp", "skhcn", "tanhoa", "hosen"}
        for site in data["cong"]:
            for f in site["phat_hien"]:
                assert f["can_cu"] and f["quy_tac"] and f["muc"].startswith(f"content/{site['ma']}/")
        rows = list(csv.DictReader(io.StringIO((folder / "bao-cao-tuan-thu.csv").read_text(encoding="utf-8-sig"))))
        assert len(rows) == sum(len(s["phat_hien"]) for s in data["cong"])
        assert set(rows[0]) >= {"Mã cổng", "Trạng thái", "Căn cứ", "Tin bài / tệp", "Hạn"}
        book = load_workbook(folder / "bao-cao-tuan-thu.xlsx")
        assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Bộ quy tắc"]
        assert book["Chi tiết"].max_row == len(rows) + 1
        html = BeautifulSoup((folder / "bao-cao-tuan-thu.html").read_text(encoding="utf-8"), "html.parser")
        assert html.html["lang"] == "vi" and len(html.find_all("table")) == 1 + len(data["cong"])
        assert "Mã cổng" in stdout and "Đã ghi:" in stdout


def test_rule_sets_named_in_each_report(reports):
    march = json.loads((reports["2026-03-02"][0] / "bao-cao-tuan-thu.json").read_text(encoding="utf-8"))
    november = json.loads((reports["2026-11-23"][0] / "bao-cao-tuan-thu.json").read_text(encoding="utf-8"))
    march_sets = {s["ma"] for s in march["bo_quy_tac"]}
    november_sets = {s["ma"] for s in november["bo_quy_tac"]}
    assert "nd-42-2022" in march_sets and "nd-224-2026" not in march_sets
    assert "nd-224-2026" in november_sets and "nd-42-2022" not in november_sets
    assert "quy-che-thanh-van" in march_sets & november_sets
    assert "danh-muc-stp" in november["danh_muc_don_vi"]


def test_strict_mode_exit_codes(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "invoke", "compliance", "--as-of", "2026-11-23",
                               "--output", str(tmp_path), *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    strict = run("--strict", "--severity", "trung-binh")
    assert strict.returncode == 1 and "--strict:" in strict.stderr
    only_one = run("--strict", "--site", "thanhvan")
    assert only_one.returncode == 0, only_one.stdout + only_one.stderr  # thanhvan has no high-severity finding
    bad = run("--severity", "rat-cao")
    assert bad.returncode == 2 and "--severity" in bad.stderr


def test_bad_date_is_refused():
    proc = subprocess.run([sys.executable, "-m", "invoke", "compliance", "--as-of", "2026-02-30"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "ngày có thật" in proc.stderr


def test_reports_written_from_the_same_evaluation_are_kept_and_a_changed_one_rewrites_them(tmp_path):
    """A CI run starts from the last published output: a report folder written from the same evaluation (and
    code) is kept as it is; any change writes every format again."""
    from pelican.settings import read_settings

    from compliance import reports, settings

    typed, _ = settings.read(read_settings(str(ROOT / "pelicanconf.py")))
    templates = ROOT / "themes" / "cong-thong-tin" / "templates"
    ev = evaluate(project_at(ROOT), dt.date(2026, 11, 23), settings=typed)
    paths = reports.write_all(ev, tmp_path, [], templates)
    assert set(paths) == {"json", "csv", "xlsx", "html"} and (tmp_path / reports.RECORD).is_file()
    paths["xlsx"].unlink()
    assert reports.write_all(ev, tmp_path, [], templates) == paths
    assert load_workbook(paths["xlsx"]).sheetnames == ["Tổng hợp", "Chi tiết", "Bộ quy tắc"]  # a lost file: all again
    stamps = {name: path.stat().st_mtime_ns for name, path in paths.items()}
    health = [{"ma": "stp", "trang_thai": "tot", "lan_thanh_cong_cuoi": "2026-11-23T08:00:00"}]
    assert reports.write_all(ev, tmp_path, health, templates) == paths
    kept = {name: path.stat().st_mtime_ns for name, path in paths.items()}
    # The same evaluation: only the JSON report, which carries the aggregation's health, is written.
    assert {n: t for n, t in kept.items() if n != "json"} == {n: t for n, t in stamps.items() if n != "json"}
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["nguon_tong_hop"] == health
    later = evaluate(project_at(ROOT), dt.date(2026, 11, 24), settings=typed)
    reports.write_all(later, tmp_path, [], templates)
    assert all(path.stat().st_mtime_ns != kept[name] for name, path in paths.items())
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["ngay_danh_gia"] == "2026-11-24"
