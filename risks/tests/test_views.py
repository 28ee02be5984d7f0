"""The risk table's pages, Excel workbook and PDF."""

import datetime as dt
import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qms.pdf import REGISTRY
from qms.tests.factories import UnitFactory
from risks.models import Frequency, Impact, Level, Risk
from risks.tests.factories import RiskFactory


def _in_order(phrase, text):
    tokens = iter(text.split())
    return all(word in tokens for word in phrase.split())


def _count(client, url):
    client.get(url)  # the first request after sign-in also touches the session; measure a steady one
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_list_page_issues_the_same_number_of_queries_for_few_rows_and_many(client, secretary, unit, organisation):
    client.force_login(secretary)
    RiskFactory(organisation=organisation, unit=unit)
    RiskFactory(organisation=organisation, unit=None)
    one = _count(client, reverse("risks:list"))
    for u in [UnitFactory() for _ in range(6)]:
        for _i in range(4):
            RiskFactory(organisation=organisation, unit=u, deadline=dt.date(2020, 1, 1), effectiveness="effective")
    assert _count(client, reverse("risks:list")) == one


@pytest.mark.django_db
def test_the_detail_page_issues_the_same_number_of_queries_for_a_short_and_a_long_history(client, unit_head, unit, organisation):
    from risks import services

    client.force_login(unit_head)
    values = {
        "process": "Tiếp nhận hồ sơ",
        "description": "Hồ sơ thất lạc",
        "frequency": Frequency.RARE,
        "impact": Impact.MAJOR,
        "response": "Sổ theo dõi",
    }
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=values)
    services.risk_update(risk=risk, actor=unit_head, version=1, values={"owner": "A"})
    url = reverse("risks:detail", args=[risk.pk])
    one = _count(client, url)
    for n in range(2, 8):
        services.risk_update(risk=risk, actor=unit_head, version=n, values={"owner": f"Người {n}"})
    assert _count(client, url) == one


@pytest.mark.django_db
def test_the_unit_head_adds_and_edits_a_row_in_the_browser_form_and_a_stale_page_is_refused(client, unit_head, unit):
    client.force_login(unit_head)
    response = client.post(
        reverse("risks:create"),
        {
            "scope": str(unit.pk),
            "kind": "risk",
            "process": "Thu báo cáo",
            "description": "Nộp báo cáo chậm",
            "frequency": "frequent",
            "impact": "major",
            "response": "Nhắc hạn",
            "owner": "Trưởng phòng",
            "deadline": "31/12/2026",
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and risk.level == Level.HIGH and risk.unit == unit
    form = {
        "version": "1",
        "kind": "risk",
        "process": "Thu báo cáo",
        "description": "Nộp báo cáo chậm",
        "frequency": "rare",
        "impact": "minor",
        "response": "Nhắc hạn",
        "status": "open",
        "note": "Đã giảm",
    }
    assert client.post(reverse("risks:edit", args=[risk.pk]), form).status_code == 302
    stale = client.post(reverse("risks:edit", args=[risk.pk]), {**form, "impact": "major"})
    assert stale.status_code == 200
    assert "Dòng này đã được người khác sửa" in stale.content.decode()
    risk.refresh_from_db()
    assert (risk.version, risk.level, risk.history.count()) == (2, Level.LOW, 1)
    page = client.get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "Đã giảm" in page and "Thường xuyên" in page  # the earlier row, in the history table


@pytest.mark.django_db
def test_the_unit_head_cannot_pick_another_units_table_in_the_form(client, unit_head, other_unit):
    client.force_login(unit_head)
    response = client.post(reverse("risks:create"), {"scope": str(other_unit.pk), "process": "x", "description": "x"})
    assert response.status_code == 200 and not Risk.objects.exists()


@pytest.mark.django_db
def test_the_excel_workbook_holds_the_tables_rows(client, unit_head, unit, organisation):
    RiskFactory(organisation=organisation, unit=unit, number=1, description='=HYPERLINK("http://x")', deadline=dt.date(2026, 3, 5))
    RiskFactory(organisation=organisation, unit=None, number=1, description="Của cơ quan")
    client.force_login(unit_head)
    response = client.get(reverse("risks:excel", args=[str(unit.pk)]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == organisation.name.upper()
    assert rows[2][0] == f"BẢNG PHÂN TÍCH RỦI RO VÀ CƠ HỘI — {unit.name}"
    assert rows[4][:8] == [
        "STT",
        "Loại",
        "Quá trình / hoạt động",
        "Rủi ro / cơ hội",
        "Nguyên nhân",
        "Tần suất xuất hiện",
        "Mức độ ảnh hưởng",
        "Mức",
    ]
    (data,) = rows[5:]
    assert data[0] == 1 and data[5:8] == ["Thỉnh thoảng", "Vừa", "Trung bình"] and data[10] == "05/03/2026"
    assert ws.cell(row=6, column=4).data_type == "s"  # typed "=..." stays text, never a formula
    agency = load_workbook(io.BytesIO(client.get(reverse("risks:excel", args=["agency"])).content)).active
    assert [r[3].value for r in agency.iter_rows(min_row=6)] == ["Của cơ quan"]


@pytest.mark.django_db
def test_the_units_table_pdf_reads_as_qt_ht_06_draws_it(unit, organisation, tmp_path):
    RiskFactory(
        organisation=organisation,
        unit=unit,
        number=1,
        description="Đơn vị không chuẩn bị báo cáo việc thực hiện hệ thống quản lý chất lượng",
        frequency=Frequency.OCCASIONAL,
        impact=Impact.MODERATE,
        level=Level.MEDIUM,
        response="Lãnh đạo đơn vị chú ý thời hạn",
        owner="Trưởng phòng",
        deadline=dt.date(2026, 12, 31),
    )
    path = tmp_path / "rr.pdf"
    path.write_bytes(REGISTRY["RR.BANG"].render(unit.pk))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BẢNG PHÂN TÍCH RỦI RO VÀ CƠ HỘI",
        "Tần suất xuất hiện",
        "Mức độ ảnh hưởng",  # the header cell, in reading order without -layout
        "Biện pháp đối phó",
        "Thường xuyên",
        "Hiếm khi",
        "Trung bình",
        "Hạn: 31/12/2026",
        "RR.BANG",
    ]:
        assert expected in flat, expected
    assert unit.name.upper() in flat
    # Cells wrap side by side, so a cell's later lines may follow its neighbours' lines in the text: its
    # words are checked in order, exactly as written.
    assert _in_order("Đơn vị không chuẩn bị báo cáo việc thực hiện hệ thống quản lý chất lượng", flat)
    assert _in_order("Lãnh đạo đơn vị chú ý thời hạn", flat) and "STT" in flat
