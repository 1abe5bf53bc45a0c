"""The aggregator against hostile sources (issue 11 §4), on real HTTP servers on 127.0.0.1.

Two runs of the same province: on 20/11 every source answers well (the last good copy); on 23/11 they
attack: slow loris in every phase, a body declared at 10 GB, a redirect to another port of an allowed
address, items dated in the future or undated, thousands of entries, exports without any optional
field or with fields of the wrong type. Nothing here asserts a duration: each case asserts what
happened (the health note says which deadline passed and where, the good sources are merged, the last
good items are kept). The slow servers give up on their own after a minute, so a regression fails
rather than hangs.
"""

import datetime as dt
import hashlib
import json
import re
import shutil
import socket

import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build, copy_case
from conftest import project as project_at
from feed_server import GOOD
from hostile_server import BARE_DOCUMENTS, BARE_PROCEDURES, FUTURE, WRONG_TYPES, HostileServer, many

from aggregate import parse
from aggregate.addresses import AllowanceError, Refused, parse_allowances, resolve_checked
from aggregate.fetch import Request, fetch, fetch_all
from aggregate.pipeline import aggregate
from aggregate.settings import AggregateSettingsError, Limits, read
from portal import check

LIMITS = Limits(connect_timeout=1, request_deadline=3, run_deadline=60, workers=8, retries=1, backoff=0.05)
FIRST, SECOND = dt.datetime(2026, 11, 20, 9, 0), dt.datetime(2026, 11, 23, 9, 0)
SLOW = ["nho-giot-header", "im-lang", "nho-giot-noi-dung", "nho-giot-dong", "nho-giot-chunked", "qua-lon"]
FEEDS = SLOW + ["tot", "chuyen-cong", "tuong-lai", "rat-nhieu"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    copy_case("aggregate", root)
    copy_case("aggregate-hostile", root)  # the hostile registry over the province of tests/sites/aggregate
    with HostileServer() as server, HostileServer({"/bi-mat.xml": "noi-bo"}) as internal:
        site_yaml = root / "content" / "tinh-x" / "site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("{PORT}", str(server.port)),
                             encoding="utf-8")
        server.modes.update({f"/{name}.xml": ("tot", name) for name in FEEDS})
        server.modes.update({"/van-ban-toi-gian.json": ("json", BARE_DOCUMENTS),
                             "/thu-tuc-toi-gian.json": ("json", BARE_PROCEDURES),
                             "/van-ban-sai-kieu.json": ("json", WRONG_TYPES)})
        assert build(root).ok
        state = root / ".cache" / "tong-hop"
        aggregate(project_at(root, root / "output", overrides={"AGGREGATE_STATE_DIR": str(state)}),
                  FIRST.date(), FIRST, LIMITS)
        first = json.loads((state / "ket-qua.json").read_text(encoding="utf-8"))
        server.modes.update({f"/{name}.xml": name for name in SLOW})
        server.modes.update({"/chuyen-cong.xml": ("chuyen-huong", f"{internal.url}/bi-mat.xml"),
                             "/tuong-lai.xml": ("noi-dung", FUTURE), "/rat-nhieu.xml": ("noi-dung", many(3000))})
        aggregate(project_at(root, root / "output", overrides={"AGGREGATE_STATE_DIR": str(state)}),
                  SECOND.date(), SECOND, LIMITS)
        built = build(root, ["tinh-x"])
        yield {"root": root, "state": state, "server": server, "internal": internal, "first": first,
               "result": json.loads((state / "ket-qua.json").read_text(encoding="utf-8")), "built": built,
               "out": root / "output" / "tinh-x" / "tong-hop"}


def health(hostile, source, result="result"):
    return next(h for h in hostile[result]["nguon"] if h["ma"] == source)


def urls(result, source):
    return {i["url"] for i in result["tin_tuc"] if i["nguon"] == source}


def assert_last_good_kept(hostile, source):
    h = health(hostile, source)
    assert h["trang_thai"] == "cu" and h["lan_thanh_cong_cuoi"] == "2026-11-20T09:00:00", h
    assert urls(hostile["first"], source) == urls(hostile["result"], source) != set()


@pytest.mark.parametrize("source, words", [
    ("nho-giot-header", "Nguồn gửi dữ liệu quá chậm: hết thời hạn 3 giây khi đang nhận phần đầu (header)"),
    ("im-lang", "Máy chủ nhận yêu cầu nhưng không trả lời: hết thời hạn 3 giây khi đang chờ phần đầu (header)"),
    ("nho-giot-noi-dung", "Nguồn gửi dữ liệu quá chậm: hết thời hạn 3 giây khi đang nhận nội dung"),
    ("nho-giot-dong", "Nguồn gửi dữ liệu quá chậm: hết thời hạn 3 giây khi đang nhận nội dung"),
    ("nho-giot-chunked", "Nguồn gửi dữ liệu quá chậm: hết thời hạn 3 giây khi đang nhận nội dung"),
])
def test_slow_loris_is_cut_at_the_deadline_and_the_note_says_where(hostile, source, words):
    errors = health(hostile, source)["loi"]
    assert len(errors) == 1 and errors[0].startswith(f"tin-tuc: {words}"), errors
    assert "XML" not in errors[0]  # a header trickle was reported as "not valid XML"
    # One request per run: a source that answered, too slowly, is not asked again within the run.
    assert hostile["server"].hits[f"/{source}.xml"] == 2
    assert_last_good_kept(hostile, source)


def test_a_body_declared_too_large_is_refused_before_reading_and_keeps_the_last_good_items(hostile):
    errors = health(hostile, "qua-lon")["loi"]
    assert errors == ["tin-tuc: Dữ liệu quá lớn (9765625 KB, tối đa 4882 KB)."]
    assert_last_good_kept(hostile, "qua-lon")


def test_good_sources_are_merged_and_published_despite_the_hostile_ones(hostile):
    assert hostile["built"].ok, [p.format() for p in hostile["built"].all_problems()]
    assert health(hostile, "tot")["trang_thai"] == "tot" and health(hostile, "so-y")["trang_thai"] == "tot"
    assert urls(hostile["result"], "tot") and urls(hostile["result"], "so-y")
    pages = "".join(p.read_text(encoding="utf-8") for p in (hostile["out"] / "tin-tuc").glob("*.html"))
    assert "tot: họp giao ban tuần" in pages and "Xã Tốt" in pages


def test_a_redirect_to_another_port_of_an_allowed_address_is_refused_before_connecting(hostile):
    internal, port = hostile["internal"], hostile["server"].port
    errors = health(hostile, "chuyen-cong")["loi"]
    assert errors == [f"tin-tuc: Từ chối chuyển hướng tới {internal.url}/bi-mat.xml: Từ chối truy cập địa chỉ nội bộ "
                      f"127.0.0.1 cổng {internal.port} của «127.0.0.1» (mạng riêng, loopback hoặc link-local; chỉ "
                      f"cho phép 127.0.0.1:{port})."]
    assert internal.hits == {}  # the internal service was never reached
    assert_last_good_kept(hostile, "chuyen-cong")
    for path in hostile["out"].rglob("*"):
        if path.is_file():
            assert "TÀI LIỆU NỘI BỘ" not in path.read_text(encoding="utf-8"), path


def test_items_dated_ahead_wait_for_their_date_and_undated_items_are_dropped(hostile, tmp_path):
    news = hostile["result"]["tin_tuc"]
    assert {i["tieu_de"] for i in news if i["nguon"] == "tuong-lai"} == {
        "Tin đã đến ngày đăng", "Tin lệch đồng hồ mười phút"}  # ten minutes ahead: within the clock-skew tolerance
    assert news[0]["ngay"] <= "2026-11-23T09:15:00"
    h = health(hostile, "tuong-lai")
    assert h["trang_thai"] == "tot" and h["so_tin"] == 2
    assert h["ghi_chu"] == [
        "tin-tuc: 1 tin không có ngày đăng (không có trong nguồn, trong tiêu đề hay tóm tắt) nên không được đưa vào "
        "dòng tin.",
        "tin-tuc: 2 tin ghi ngày đăng trong tương lai (từ 25/11/2026 08:00 đến 31/12/9999 23:00), chưa đưa lên dòng "
        "tin cho đến ngày đó (kiểm tra đồng hồ hoặc múi giờ của máy chủ nguồn)."]
    sources = BeautifulSoup((hostile["out"] / "nguon" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "ghi ngày đăng trong tương lai" in sources.get_text()
    # Three days later the same bytes come back (nothing is parsed again): the scheduled item is now due.
    state = shutil.copytree(hostile["state"], tmp_path / "tong-hop")
    later_now = dt.datetime(2026, 11, 26, 9, 0)
    aggregate(project_at(hostile["root"], hostile["root"] / "output", overrides={"AGGREGATE_STATE_DIR": str(state)}),
              later_now.date(), later_now, LIMITS)
    later = json.loads((state / "ket-qua.json").read_text(encoding="utf-8"))
    assert "Tin hẹn ngày đăng" in {i["tieu_de"] for i in later["tin_tuc"] if i["nguon"] == "tuong-lai"}
    assert "Tin ghim đầu trang đến năm 9999" not in {i["tieu_de"] for i in later["tin_tuc"]}


def test_a_feed_of_thousands_of_entries_stores_only_what_is_shown(hostile):
    path = hostile["state"] / "nguon" / "rat-nhieu" / "tin-tuc.json"
    stored = json.loads(path.read_text(encoding="utf-8"))["data"]
    assert [i["url"] for i in stored] == [f"https://xa.example.vn/tin-{i}" for i in range(20)]  # the newest 20
    assert path.stat().st_size < 20_000
    assert health(hostile, "rat-nhieu")["ghi_chu"] == [
        "tin-tuc: 3000 tin không có ngày đăng (không có trong nguồn, trong tiêu đề hay tóm tắt) nên không được đưa "
        "vào dòng tin.",
        "tin-tuc: nguồn có 3000 tin; chỉ giữ 20 tin mới nhất (so_tin_moi_nguon)."]


def test_exports_without_any_optional_field_are_published_with_the_others(hostile):
    assert hostile["built"].ok, [p.format() for p in hostile["built"].all_problems()]
    assert health(hostile, "toi-gian")["trang_thai"] == "tot" and health(hostile, "toi-gian")["ghi_chu"] == []
    documents = BeautifulSoup((hostile["out"] / "van-ban" / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = [r.get_text(" ", strip=True) for r in documents.select("#bang-van-ban-tinh tbody tr")]
    assert any("Văn bản chỉ có trường bắt buộc" in r for r in rows)
    assert any("120/KH-SYT" in r and "Kế hoạch" in r for r in rows)  # the local unit's, with every field
    procedures = BeautifulSoup((hostile["out"] / "thu-tuc" / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = [r.get_text(" ", strip=True) for r in procedures.select("#bang-thu-tuc-tinh tbody tr")]
    assert any("Thủ tục chỉ có trường bắt buộc" in r for r in rows) and any("khám bệnh" in r for r in rows)
    schema = json.loads((ROOT / "plugins/portal/schemas/export.schema.json").read_text(encoding="utf-8"))
    for kind in ("van-ban", "thu-tuc"):
        jsonschema.validate(json.loads((hostile["out"] / "du-lieu" / f"{kind}.json").read_text(encoding="utf-8")),
                            schema)


def test_optional_fields_of_the_wrong_type_are_left_out_with_a_note(hostile):
    h = health(hostile, "sai-kieu")
    assert h["trang_thai"] == "tot"
    assert h["ghi_chu"] == [
        "van-ban: bỏ 7 giá trị sai kiểu (không hiển thị, không xuất lại): «xa-toi-gian:vb-2» trường ngay_ban_hanh "
        "(cần ngày dạng 2026-11-01, đang là 20261101); «xa-toi-gian:vb-2» trường loai_van_ban (cần chuỗi ký tự, "
        "đang là [\"quyet-dinh\"]); «xa-toi-gian:vb-2» trường loai_van_ban_nhan (cần chuỗi ký tự, đang là "
        "{\"x\": 1}); và 4 giá trị khác."]
    record = next(r for r in hostile["result"]["van_ban"] if r["id"] == "xa-toi-gian:vb-2")
    assert not {"ngay_ban_hanh", "loai_van_ban", "so_ky_hieu", "trich_yeu", "linh_vuc", "cap_nhat"} & set(record)
    assert record["tinh_trang_nhan"] == "Còn hiệu lực"  # the label the unit left out, from the schema
    page = (hostile["out"] / "van-ban" / "index.html").read_text(encoding="utf-8")
    assert "Văn bản có trường sai kiểu" in page and "20261101" not in page


def test_a_record_that_breaks_a_catalog_page_leaves_out_only_its_source(hostile, tmp_path):
    """``ket-qua.json`` from an older version, or edited by hand: the build does not trust it blindly."""
    root = shutil.copytree(hostile["root"], tmp_path / "tinh", ignore=shutil.ignore_patterns("output"))
    shutil.copytree(hostile["root"] / "output" / "so-y", root / "output" / "so-y")
    path = root / ".cache" / "tong-hop" / "ket-qua.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    owner = {"ma": "sai-kieu", "ten": "Xã Sai Kiểu", "dia_chi_web": "http://127.0.0.1/"}
    # Alone it renders (a single year is never compared); with the others, sorting the years fails.
    result["van_ban"].append({"id": "sai-kieu:vb-9", "url": "https://xa.example.vn/9", "tieu_de": "Văn bản làm hỏng",
                              "ngay": "2026-11-01", "ngay_ban_hanh": 20261101, "don_vi_goc": owner})
    # Alone it fails: a number where a list of levels belongs.
    result["thu_tuc"].append({"id": "sai-kieu:tt-9", "url": "https://xa.example.vn/t9", "tieu_de": "Thủ tục làm hỏng",
                              "ngay": "2026-11-01", "cap_thuc_hien": 5, "don_vi_goc": owner})
    path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    built = build(root, ["tinh-x"])
    assert built.ok, [p.format() for p in built.all_problems()]
    warnings = [p.message for p in built.all_problems() if "sai-kieu" in p.message]
    assert len(warnings) == 2 and all("các nguồn khác vẫn được đăng" in w for w in warnings)
    out = root / "output" / "tinh-x" / "tong-hop"
    documents = (out / "van-ban" / "index.html").read_text(encoding="utf-8")
    assert "Văn bản làm hỏng" not in documents and "Văn bản chỉ có trường bắt buộc" in documents
    procedures = (out / "thu-tuc" / "index.html").read_text(encoding="utf-8")
    assert "Thủ tục làm hỏng" not in procedures and "Thủ tục chỉ có trường bắt buộc" in procedures
    sources = BeautifulSoup((out / "nguon" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(r for r in sources.select("tbody tr") if "Xã Sai Kiểu" in r.get_text())
    assert "Dữ liệu bị bỏ qua khi dựng trang" in row.get_text() and "tong-hop/thu-tuc/index.html" in row.get_text()


def test_data_stored_by_an_older_version_is_normalised_without_waiting_for_the_source_to_change(hostile, tmp_path):
    """The van-ban crash stayed until the source changed: unchanged bytes are not parsed again."""
    state = shutil.copytree(hostile["state"], tmp_path / "tong-hop")
    folder = state / "nguon" / "toi-gian"
    old = {"data": {**BARE_DOCUMENTS, "muc": [{**BARE_DOCUMENTS["muc"][0], "loai_van_ban": "quyet-dinh",
                                                "ngay_ban_hanh": 20261101}]}}
    (folder / "van-ban.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    body = json.dumps(BARE_DOCUMENTS, ensure_ascii=False).encode()  # what the server sends, unchanged
    # Parsed by today's parser (parse.FORMAT), normalised by an older version (no "chuan_hoa").
    (folder / "van-ban.trang-thai.json").write_text(json.dumps({"sha1": hashlib.sha1(body).hexdigest(),
                                                                "dinh_dang": parse.FORMAT}), encoding="utf-8")
    aggregate(project_at(hostile["root"], hostile["root"] / "output", overrides={"AGGREGATE_STATE_DIR": str(state)}),
              SECOND.date(), SECOND, LIMITS)
    record = next(r for r in json.loads((state / "ket-qua.json").read_text(encoding="utf-8"))["van_ban"]
                  if r["id"] == "xa-toi-gian:vb-1")
    assert record["loai_van_ban_nhan"] == "Quyết định" and "ngay_ban_hanh" not in record


def test_an_allowance_that_is_not_an_address_and_port_stops_only_its_source(hostile):
    h = health(hostile, "cho-phep-sai")
    port = hostile["server"].port
    assert h["trang_thai"] == "chua-co" and h["loi"] == [
        f"tin-tuc: cho_phep_dia_chi: «127.0.0.300:{port}» không phải địa chỉ IP (hoặc dải CIDR) kèm cổng; cần dạng "
        "127.0.0.1:8080, 10.20.0.0/24:443 hoặc [fd00::5]:8443."]


def test_the_run_deadline_bounds_every_source_together():
    limits = Limits(connect_timeout=1, request_deadline=60, run_deadline=3, workers=2, retries=2, backoff=0.05)
    with HostileServer({"/tot.xml": "tot", "/a": "nho-giot-noi-dung", "/b": "nho-giot-header", "/c": "im-lang"}) as s:
        allowed = parse_allowances([f"127.0.0.1:{s.port}"])
        responses = fetch_all([Request(f"{s.url}{p}", allowed=allowed) for p in ("/tot.xml", "/a", "/b", "/c")],
                              limits)
        assert responses[0].ok and responses[0].body == GOOD
        assert responses[1].error.startswith("Nguồn gửi dữ liệu quá chậm: hết thời hạn chung 3 giây của lần tổng "
                                             "hợp khi đang nhận nội dung")
        assert responses[2].error.startswith("Nguồn gửi dữ liệu quá chậm: hết thời hạn chung 3 giây của lần tổng "
                                             "hợp khi đang nhận phần đầu (header)")
        # Two at a time: the last source never got its turn, and was not started late.
        assert responses[3].error == "Chưa kịp tải: đã hết thời hạn chung 3 giây của lần tổng hợp."
        assert "/c" not in s.hits and all(r.attempts <= 1 for r in responses)


def test_a_tls_handshake_that_never_ends_is_cut_at_the_deadline():
    with socket.socket() as silent:  # accepts TCP connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        response = fetch(f"https://127.0.0.1:{port}/tin.xml", allowed=parse_allowances([f"127.0.0.1:{port}"]),
                         limits=LIMITS)
    assert response.error == ("Máy chủ phản hồi quá chậm: hết thời hạn 3 giây khi đang thiết lập kết nối bảo mật "
                              "(TLS).") and response.attempts == 1


def test_the_connection_goes_to_the_address_that_was_checked():
    """DNS rebinding: the name is resolved once per hop, and the connection goes where the check looked."""
    answers = []

    def rebinding(host, port, *args, **kwargs):
        # Stands in for a DNS server under an attacker's control (a real one cannot run on 127.0.0.1:53
        # in a test): an allowed address first, the cloud metadata service afterwards.
        answers.append("127.0.0.1" if not answers else "169.254.169.254")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], port))]

    with HostileServer({"/tin.xml": "tot"}) as server:
        server.modes["/lai.xml"] = ("chuyen-huong", f"http://cong.example.vn:{server.port}/tin.xml")
        allowed = parse_allowances([f"127.0.0.1:{server.port}"])
        response = fetch(f"http://cong.example.vn:{server.port}/tin.xml", allowed=allowed, limits=LIMITS,
                         resolver=rebinding)
        assert response.ok and response.body == GOOD and answers == ["127.0.0.1"]
        assert server.hosts["/tin.xml"] == [f"cong.example.vn:{server.port}"]  # the name, at the checked address
        answers.clear()
        redirected = fetch(f"{server.url}/lai.xml", allowed=allowed, limits=LIMITS, resolver=rebinding)
        assert answers == ["127.0.0.1", "169.254.169.254"] and "169.254.169.254" in redirected.error
        assert server.hits["/tin.xml"] == 1  # the redirect target was refused before any connection


@pytest.mark.parametrize("url, allowed, ok", [
    ("https://10.20.0.7/tin.xml", "10.20.0.0/24:443", True),
    ("http://10.20.0.7/tin.xml", "10.20.0.0/24:443", False),      # the same machine, another port
    ("https://10.20.1.7/tin.xml", "10.20.0.0/24:443", False),     # another machine, the same port
    ("http://127.0.0.1:8080/tin.xml", "127.0.0.1:8080", True),
    ("http://127.0.0.1:8081/tin.xml", "127.0.0.1:8080", False),
    ("https://[fd00::5]:8443/tin.xml", "[fd00::5]:8443", True),
    ("https://[fd00::5]/tin.xml", "[fd00::5]:8443", False),
    ("http://[::ffff:127.0.0.1]:8080/", "127.0.0.1:8080", False),  # an IPv4 address written as IPv6
])
def test_an_allowance_is_an_address_and_a_port(url, allowed, ok):
    from urllib.parse import urlsplit

    if ok:
        assert resolve_checked(urlsplit(url), parse_allowances([allowed]))
    else:
        with pytest.raises(Refused, match=re.escape(f"chỉ cho phép {allowed})")):
            resolve_checked(urlsplit(url), parse_allowances([allowed]))


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.300:80", "127.0.0.1:0", "127.0.0.1:70000", "::1:80",
                                   "localhost:80", "[127.0.0.1]:80"])
def test_an_allowance_without_an_address_and_a_port_is_refused(entry):
    with pytest.raises(AllowanceError, match="không phải địa chỉ IP .hoặc dải CIDR. kèm cổng"):
        parse_allowances([entry])


def test_an_allowance_of_the_old_form_is_a_site_yaml_error_naming_line_and_field(tmp_path):
    site = tmp_path / "tinh-x"
    site.mkdir()
    head = (ROOT / "tests/sites/aggregate/content/tinh-x/site.yaml").read_text(encoding="utf-8").split("tong_hop:")[0]
    (site / "site.yaml").write_text(head + "tong_hop:\n  nguon:\n    - ma: xa\n      ten: Xã Cũ\n"
                                    "      dia_chi_web: http://10.0.0.5/\n      tin_tuc: http://10.0.0.5/rss.xml\n"
                                    "      cho_phep_dia_chi: [\"10.0.0.5\"]\n", encoding="utf-8")
    problems = [p for p in check.check_site(site, tmp_path).problems if "cho_phep_dia_chi" in p.field]
    assert len(problems) == 1 and problems[0].field == "tong_hop.nguon[1].cho_phep_dia_chi[1]"
    assert problems[0].line == 16 and "kèm cổng" in problems[0].expected and problems[0].found == "«10.0.0.5»"


def test_aggregate_settings_are_read_and_checked():
    assert read({}) == Limits()
    assert read({"AGGREGATE": {"THOI_HAN_MOI_YEU_CAU": 3, "SO_NGUON_TAI_CUNG_LUC": 2}}) == Limits(
        request_deadline=3, workers=2)
    with pytest.raises(AggregateSettingsError, match=r"AGGREGATE\['THOI_HAN_MOI_YEU_CAU'\] phải là số giây lớn hơn 0, "
                                                     "đang là «0»"):
        read({"AGGREGATE": {"THOI_HAN_MOI_YEU_CAU": 0}})
    with pytest.raises(AggregateSettingsError, match="SO_NGUON_TAI_CUNG_LUC.*số nguyên từ 1 trở lên, đang là «2.5»"):
        read({"AGGREGATE": {"SO_NGUON_TAI_CUNG_LUC": 2.5}})
    with pytest.raises(AggregateSettingsError, match="khóa không được hỗ trợ: READ_TIMEOUT"):
        read({"AGGREGATE": {"READ_TIMEOUT": 10}})


def test_an_export_nested_thousands_deep_is_the_sources_error_not_a_crash():
    """A portal's ``du-lieu/*.json`` of arrays nested past Python's recursion limit stopped the whole
    aggregation with RecursionError; it is now that source's error, in Vietnamese, like any malformed file."""
    from aggregate import parse

    for body in (b"[" * 5000 + b"]" * 5000, b'{"loai": "van-ban", "muc": ' + b"[" * 5000 + b"]" * 5000 + b"}"):
        with pytest.raises(parse.SourceError, match="lồng nhau quá sâu"):
            parse.parse_export(body, "van-ban")
