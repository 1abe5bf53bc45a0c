"""``invoke bench`` end to end at a tiny scale: every scenario runs and succeeds, the figures and
ratios are computed from real runs (two rounds, medians), the cold build's timeline is drawn, the shipped CI
pipeline is replayed on fresh clones, other sizes are measured, and Chromium reports what a citizen
downloads; every target of issue 15 is judged in the printout."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT

from bench import printout, sizes, suite, targets
from bench import timeline as bench_timeline
from portal import timeline as build_timeline


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    data = suite.run_suite(ROOT, work / "bench", sites=3, items=16, jobs=2, repeat=2, other_sizes=[(2, 12)])
    written = printout.save(data, work / "ket-qua.json")
    return work, data, written


def test_bench_runs_every_scenario_against_pelican_and_hugo(bench):
    work, data, _ = bench
    names = [r["ten"] for r in data["ket_qua"]]
    assert names == ["ours_cold_build", "ours_nochange_rebuild", "ours_compliance", "ours_aggregate",
                     "ours_one_edit_to_aggregate", "ours_title_edit_to_aggregate", "search_index_one_site",
                     "search_index_all_sites", "pelican_cold_build", "hugo_cold_build"]
    failed = [(r["ten"], r["chi_tiet"]) for r in data["ket_qua"] if not r["thanh_cong"]]
    assert failed == []
    assert all(r["giay"] > 0 and r["bo_nho_dinh_mb"] > 0 and r["bo_nho_dinh_pss_mb"] > 0 for r in data["ket_qua"])
    assert data["tham_so"]["tong_so_tep"] >= 3 * 16 and data["tham_so"]["so_luot"] == 2
    # Two rounds: each figure is the median (here the mean) of the two rounds' times.
    for r in data["ket_qua"]:
        assert len(r["cac_lan_giay"]) == 2 and abs(r["giay"] - sum(r["cac_lan_giay"]) / 2) < 0.002, r
    # The search index measured alone: every reference ratio comes from real runs.
    assert all(value > 0 for value in data["tham_chieu"].values()), data["tham_chieu"]
    # After the two edits, the last build of the province still succeeded.
    built = (work / "bench" / "tinh" / "output" / "build-report.json").read_text(encoding="utf-8")
    assert '"thanh_cong": true' in built


def test_every_target_of_the_issue_is_judged_from_the_runs_and_printed(bench):
    _, data, _ = bench
    by = {r["ten"]: r["giay"] for r in data["ket_qua"]}
    judged = data["muc_tieu"]
    assert list(targets.TARGETS) == [k for k in targets.TARGETS if k in judged] and set(judged) == set(targets.TARGETS)
    cold = judged["cold_vs_pelican_plus_search"]
    # Point 1 against plain Pelican, then Pagefind over the same pages: both sides from this run.
    assert cold["reference"] == pytest.approx(by["pelican_cold_build"] + by["search_index_all_sites"], abs=0.002)
    assert cold["ratio"] == pytest.approx(by["ours_cold_build"] / cold["reference"], rel=0.01)
    # Point 2: online is the edit less the indexing before publishing; searchable is at least the whole edit.
    edit = data["sua_mot_muc"]
    assert 0 < edit["truc_tuyen_giay"] <= edit["tim_duoc_giay"] <= edit["chi_muc_day_du_giay"]
    if edit["nguon"] == ["build-report.json lan_chay"]:  # the moments the build reports, within the command
        whole = next(r for r in data["ket_qua"] if r["ten"] == "ours_one_edit_to_aggregate")["cac_lan_giay"]
        assert all(found <= command + 0.002 for found, command in zip(edit["cac_lan_tim_duoc_giay"], whole,
                                                                     strict=True))
    else:  # from the timeline: searchable when the command ended
        assert edit["tim_duoc_giay"] >= by["ours_one_edit_to_aggregate"] - 0.002
    assert judged["edit_searchable_vs_hugo"]["ratio"] == pytest.approx(edit["tim_duoc_giay"] / by["hugo_cold_build"],
                                                                      rel=0.01)
    for entry in judged.values():
        assert entry["met"] in (True, False, None) and entry["target"].startswith(("<", "<="))
        value = entry.get("ratio", entry.get("value"))
        if entry["met"] is not None:  # a measured figure is a positive number judged against its limit
            assert value > 0
    # Point 3: measured by bench.warm when the warm server's module is there, "chưa đo" until then.
    warm = judged["warm_edit_vs_hugo"]
    assert (warm["met"] is None) == (data["phuc_vu_nong"] is None)
    printed = printout.table(data)
    block = printed.split("Mục tiêu của issue 15")[1]
    for key, target in targets.TARGETS.items():
        line = next(x for x in block.splitlines() if target.label in x)
        assert targets.verdict(judged[key]) in line and target.text in line, (key, line)


def test_cold_build_timeline_shows_each_worker_and_the_idle_cores(bench):
    work, data, written = bench
    line = data["dong_thoi_gian"]
    lanes = {lane["ten"]: lane["su_kien"] for lane in line["lan"]}
    assert "main process" in lanes and "index runs 1" in lanes
    assert len([name for name in lanes if name.startswith("worker")]) >= 2  # jobs=2: two workers rendered
    stages = {(e["giai_doan"], e["cong"]) for events in lanes.values() for e in events}
    sites = sorted(p.name for p in (work / "bench" / "tinh" / "content").iterdir() if p.is_dir())
    assert len(sites) == 3
    for site in sites:  # each site listed, checked, rendered (read, write), indexed, published
        for stage in ("list", "check", "render", "read", "write", "index", "publish"):
            assert (stage, site) in stages, (stage, site)
    for events in lanes.values():
        assert all(0 <= e["bat_dau"] <= e["ket_thuc"] <= line["giay"] + 1 for e in events)
    assert line["cpu"] and line["cpu_giay"] > 0 and line["so_loi"] >= 1
    assert line["loi_ca_may_roi_giay"] >= 0 and line["loi_nhan_roi_giay"] == pytest.approx(
        max(0.0, line["so_loi"] * line["giay"] - line["cpu_giay"]), abs=0.02)
    picture = next(p for p in written if p.name.endswith("-timeline.svg"))
    root = ET.fromstring(picture.read_text(encoding="utf-8"))
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any(t.startswith("index tinh:") for t in titles) and any(t.startswith("render don-vi-001") for t in titles)
    assert "lõi để trống" in printout.table(data)
    saved = json.loads((work / "ket-qua.json").read_text(encoding="utf-8"))
    assert saved["dong_thoi_gian"]["lan"] == line["lan"]


def test_ci_replay_runs_the_shipped_workflow_cold_then_no_change_then_one_edit(bench):
    _, data, _ = bench
    runs = data["ci"]
    assert list(runs) == ["ci_cold", "ci_nochange", "ci_one_edit"]
    cold, nochange, edit = (runs[n]["chi_tiet"] for n in runs)
    # Cold: a job for every unit; no change: nothing to build or finish; one edit: its site's job, not the
    # other unit's. The provincial site has no job: the finish job builds it as it aggregates.
    assert sorted(j["ten"] for j in cold["xay_dung"]) == ["build (don-vi-001)", "build (don-vi-002)"]
    assert cold["hoan_tat"] is not None
    assert nochange["so_viec_xay_dung"] == 0 and nochange["hoan_tat"] is None
    assert [j["ten"] for j in edit["xay_dung"]] == ["build (don-vi-001)"]
    assert edit["hoan_tat"] is not None
    for run in (cold, edit):
        assert {s["ten"]: s["thanh_cong"] for s in run["hoan_tat"]["buoc"]}["aggregate"] is True
    # Each build job restored its sites' cache from the run before, and built.
    for job in edit["xay_dung"]:
        steps = {s["ten"]: s for s in job["buoc"]}
        assert "restore-cache" in steps and steps["build"]["thanh_cong"], steps
    # The steps that must succeed did (compliance findings of the synthetic province are recorded, not fatal).
    for name, run in runs.items():
        assert all(step.split(": ")[1] == "compliance" for step in run["buoc_loi"]), (name, run["buoc_loi"])
    assert runs["ci_nochange"]["duong_gang_giay"] < runs["ci_cold"]["duong_gang_giay"]


def test_other_sizes_give_the_growth_table_and_plot(bench):
    _, data, written = bench
    rows = data["quy_mo"]
    assert [(r["so_cong"], r["so_muc_moi_cong"]) for r in rows] == [(2, 12), (3, 16)]
    for row in rows:
        assert row["thanh_cong"] and row["lanh_giay"] > row["khong_doi_giay"] > 0 and row["mot_sua_giay"] > 0
        assert row["bo_nho_dinh_mb"] > 0 and all(len(v) == 2 for v in row["cac_lan"].values())
    assert data["muc_tieu"]["peak_memory_largest_mb"]["note"] == "3x16"
    picture = next(p for p in written if p.name.endswith("-sizes.svg"))
    text = picture.read_text(encoding="utf-8")
    ET.fromstring(text)
    assert text.count("<circle") == 4  # two sizes in each of the two charts
    assert "2×12" in printout.table(data) and "3×16" in printout.table(data)


def test_citizen_downloads_are_measured_in_chromium_with_the_search_budget(bench):
    _, data, _ = bench
    fetched = data["tai_ve"]
    for key in ("trang_chu", "trang_tin"):
        assert fetched[key]["tong"] > 3_000 and fetched[key]["so_yeu_cau"] >= 2, fetched[key]
        # served gzip-compressed as the deployment guide configures the server: a page, its styles and scripts
        assert fetched[key]["tong"] < fetched[key]["tong_chua_nen"] / 2, fetched[key]
    for key, site in (("tim_kiem_don_vi", "don-vi-001"), ("tim_kiem_toan_tinh", "tinh"),
                      ("tim_kiem_toan_tinh_toan_van", "tinh")):
        entry = fetched[key]
        assert entry["cong"] == site and entry["ngan_sach"] == 300_000
        assert all(q["tong"] > 0 for q in entry["truy_van"])
        assert entry["lon_nhat"] == max(q["tong"] for q in entry["truy_van"])
        assert entry["lon_nhat"] < entry["lon_nhat_chua_nen"] == max(q["tong_chua_nen"] for q in entry["truy_van"])
    # A unit's page opens its own index; the province-wide page searches by title first (no Pagefind index at
    # all: the quick search's files), and its full text opens every unit's index.
    assert all(q["chi_muc"] == 1 for q in fetched["tim_kiem_don_vi"]["truy_van"])
    quick = fetched["tim_kiem_toan_tinh"]["truy_van"]
    assert all(q["chi_muc"] == 0 and q["theo_loai"].get("tim-nhanh", 0) > 0 for q in quick), quick
    assert "ma-tim-kiem" not in {k for q in quick for k in q["theo_loai"]}  # no Pagefind code either
    assert fetched["tim_kiem_toan_tinh_toan_van"]["tham_so"] == "toan-van=1"
    assert any(q["chi_muc"] == 3 for q in fetched["tim_kiem_toan_tinh_toan_van"]["truy_van"])  # tinh, two units
    budget = data["muc_tieu"]["search_first_visit_bytes"]
    assert budget["value"] == max(fetched[k]["lon_nhat"] for k in ("tim_kiem_don_vi", "tim_kiem_toan_tinh"))


def test_median_of_rounds_keeps_the_worst_memory_and_any_failure():
    from bench.measure import Measurement, median

    rounds = [Measurement("x", 3.0, 100, True, "", 90), Measurement("x", 9.0, 300, False, "lỗi", 250),
              Measurement("x", 5.0, 200, True, "", 150)]
    m = median(rounds)
    assert (m.seconds, m.peak_mb, m.peak_pss_mb, m.ok, m.detail, m.runs) == (5.0, 300, 250, False, "lỗi",
                                                                              [3.0, 9.0, 5.0])
    assert m.as_dict()["cac_lan_giay"] == [3.0, 9.0, 5.0]


def test_sizes_option_reads_repeated_and_comma_separated_sizes_and_refuses_others():
    assert sizes.parse(["5x1000,20x1000", "40×1000", "5x1000"]) == [(5, 1000), (20, 1000), (40, 1000)]
    for bad in ("5", "1x1000", "5x10", "ax1000", "5x1000x2"):
        with pytest.raises(ValueError):
            sizes.parse([bad])


def test_targets_are_the_issue_numbers_and_judged_at_their_limits():
    limits = {k: (t.point, t.limit, t.strict) for k, t in targets.TARGETS.items()}
    assert limits["cold_vs_pelican_plus_search"] == ("1", 1.0, False)
    assert limits["edit_online_vs_hugo"][1:] == (0.25, False) and limits["edit_searchable_vs_hugo"][1] == 0.40
    assert limits["warm_edit_vs_hugo"][1] == 0.10 and limits["nochange_vs_cold"][1] == 0.05
    assert limits["peak_memory_largest_mb"][1:] == (1024, True) and limits["search_first_visit_bytes"][1] == 300_000
    assert targets.judge("edit_online_vs_hugo", 0.25)["met"] is True
    assert targets.judge("edit_online_vs_hugo", 0.2501)["met"] is False
    assert targets.judge("peak_memory_largest_mb", 1024)["met"] is False
    assert targets.judge("warm_edit_vs_hugo", None)["met"] is None
    assert "chưa đo" in "\n".join(targets.lines({"warm_edit_vs_hugo": targets.judge("warm_edit_vs_hugo", None)}))


def test_timeline_events_from_several_processes_fall_on_lanes(tmp_path, monkeypatch):
    """Spans written by this process, one of its threads and for subprocesses' pids land on their own lanes;
    two overlapping Pagefind runs on two lines."""
    path = tmp_path / "t.jsonl"
    monkeypatch.setenv(build_timeline.ENV, str(path))
    with build_timeline.span("check", "a"):
        pass
    thread = threading.Thread(target=lambda: build_timeline.record(str(path), "publish", "a", 10.0, 11.0),
                              name="indexer")
    thread.start()
    thread.join()
    for pid, start, end in ((999_001, 1.0, 5.0), (999_002, 2.0, 3.0), (999_003, 6.0, 7.0)):
        build_timeline.record(str(path), "index", "a", start, end, pid)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")  # a line a killed build left half-written
    events = build_timeline.read(path)
    assert len(events) == 5
    lanes = {name: [(e.stage, e.start) for e in lane] for name, lane in bench_timeline._lanes(events)}
    assert list(lanes) == ["main process", "main: indexing thread 1", "index runs 1", "index runs 2"]
    assert lanes["index runs 1"] == [("index", 1.0), ("index", 6.0)] and lanes["index runs 2"] == [("index", 2.0)]
    monkeypatch.delenv(build_timeline.ENV)
    with build_timeline.span("check", "b"):
        pass
    assert len(build_timeline.read(path)) == 5  # off: nothing recorded


def test_edit_online_and_searchable_come_from_the_build_report_when_it_aggregated():
    """A build that publishes first and indexes after reports its moments (``lan_chay``); a plain build's
    moments leave out the aggregate, so the bench falls back to the timeline for it."""
    import datetime as dt

    from bench.measure import Measurement
    from portal.timeline import Event

    started = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
    measured = Measurement("ours_one_edit_to_aggregate", 10.0, 100, True, started=started)

    def at(seconds):
        return dt.datetime.fromtimestamp(started + seconds).astimezone().isoformat(timespec="milliseconds")

    reported = {"lenh": "build --aggregate", "dang_luc": at(4.0), "tim_kiem_luc": at(8.5)}
    moments = suite._edit_moments([(measured, [], reported)], hugo=20.0)
    assert (moments["truc_tuyen_giay"], moments["tim_duoc_giay"]) == (4.0, 8.5)
    assert moments["truc_tuyen_so_voi_hugo"] == 0.2 and moments["nguon"] == ["build-report.json lan_chay"]
    # The timeline of a build that indexes before publishing: online is the edit less that indexing.
    events = [Event(1, "subprocess", "index", "don-vi-001", started + 2.0, started + 5.0),
              Event(1, "t", "publish", "don-vi-001", started + 5.5, started + 5.6)]
    moments = suite._edit_moments([(measured, events, {**reported, "lenh": "build"})], hugo=20.0)
    assert (moments["truc_tuyen_giay"], moments["tim_duoc_giay"]) == (7.0, 10.0) and moments["nguon"] == ["timeline"]


def test_ci_replay_of_its_own_size_is_judged_against_hugo_on_that_province(tmp_path):
    """``invoke bench --ci-size``: the replay runs on a province of its own (at 20 × 1,000 it would clone the
    whole province for every job) and its edit is compared with Hugo's full build of that same province."""
    import os

    runs, hugo = suite._ci_of_its_own(ROOT, tmp_path / "ci-rieng", 2, 12, dict(os.environ))
    assert [r.name for r in runs] == ["ci_cold", "ci_nochange", "ci_one_edit"] and hugo > 0
    assert [j.name for j in runs[0].builds] == ["build (don-vi-001)"]  # the province: built by the finish job
    data = {"ket_qua": [{"ten": "hugo_cold_build", "giay": 1000.0}], "muc_tieu": {}}
    report = suite._ci_report([runs], data, [hugo], (2, 12))
    assert list(report) == ["ci_cold", "ci_nochange", "ci_one_edit"]
    assert data["ci_quy_mo"] == {"so_cong": 2, "so_muc_moi_cong": 12, "hugo_giay": round(hugo, 3),
                                 "cac_lan_hugo_giay": [round(hugo, 3)]}
    edit = report["ci_one_edit"]["duong_gang_giay"]
    judged = data["muc_tieu"]["ci_edit_online_vs_hugo"]
    assert judged["reference"] == round(hugo, 3) and judged["ratio"] == pytest.approx(edit / round(hugo, 3), rel=1e-3)
