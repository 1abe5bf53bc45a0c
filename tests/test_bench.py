"""``invoke bench`` end to end at a tiny scale: every scenario runs and succeeds, the figures and
ratios are computed from real runs, and the same edits give the documented page-level behaviour."""

from __future__ import annotations

from conftest import ROOT

from bench import suite


def test_bench_runs_every_scenario_against_pelican_and_hugo(tmp_path):
    data = suite.run_suite(ROOT, tmp_path / "bench", sites=2, items=24, jobs=2, repeat=2)
    names = [r["ten"] for r in data["ket_qua"]]
    assert names == ["ours_cold_build", "ours_nochange_rebuild", "ours_compliance", "ours_aggregate",
                     "ours_one_edit_to_aggregate", "ours_title_edit_to_aggregate", "search_index_one_site",
                     "search_index_all_sites", "pelican_cold_build", "hugo_cold_build"]
    failed = [(r["ten"], r["chi_tiet"]) for r in data["ket_qua"] if not r["thanh_cong"]]
    assert failed == []
    assert all(r["giay"] > 0 and r["bo_nho_dinh_mb"] > 0 and r["bo_nho_dinh_pss_mb"] > 0 for r in data["ket_qua"])
    assert data["tham_so"]["tong_so_tep"] >= 2 * 24 and data["tham_so"]["so_luot"] == 2
    # Two rounds: each figure is the median (here the mean) of the two rounds' times.
    for r in data["ket_qua"]:
        assert len(r["cac_lan_giay"]) == 2 and abs(r["giay"] - sum(r["cac_lan_giay"]) / 2) < 0.002, r
    for key in ("cold_vs_pelican", "nochange_vs_cold", "one_edit_vs_hugo"):
        assert data["muc_tieu"][key]["ratio"] > 0
    # The search index measured alone: every reference ratio comes from real runs.
    assert all(value > 0 for value in data["tham_chieu"].values()), data["tham_chieu"]
    table = suite.table(data)
    assert "ours_cold_build" in table and "cold_vs_pelican" in table
    # After the two edits, the last build of the province still succeeded.
    built = (tmp_path / "bench" / "tinh" / "output" / "build-report.json").read_text(encoding="utf-8")
    assert '"thanh_cong": true' in built


def test_median_of_rounds_keeps_the_worst_memory_and_any_failure():
    from bench.measure import Measurement, median

    rounds = [Measurement("x", 3.0, 100, True, "", 90), Measurement("x", 9.0, 300, False, "lỗi", 250),
              Measurement("x", 5.0, 200, True, "", 150)]
    m = median(rounds)
    assert (m.seconds, m.peak_mb, m.peak_pss_mb, m.ok, m.detail, m.runs) == (5.0, 300, 250, False, "lỗi",
                                                                              [3.0, 9.0, 5.0])
    assert m.as_dict()["cac_lan_giay"] == [3.0, 9.0, 5.0]
