import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from objectives.models import PlanStatus, Result
from objectives.tests.conftest import plan_with_objective
from qms.pdf import REGISTRY


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def approved_unit_plan(unit, staff_user, unit_head):
    plan = plan_with_objective(
        unit=unit,
        created_by=staff_user,
        status=PlanStatus.APPROVED,
        statement="Giải quyết đúng hạn 98% hồ sơ một cửa",
        target=Decimal("98"),
    )
    plan.approved_by, plan.submitted_by = unit_head, staff_user
    plan.save()
    return plan


@pytest.mark.django_db
def test_the_plan_pdf_carries_the_decree_30_header_the_table_and_the_approval(client, approved_unit_plan, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("objectives:plan_pdf", args=[approved_unit_plan.pk, "plan"]))
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    org = approved_unit_plan.organisation
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        org.name.upper(),
        "VĂN PHÒNG",
        "KẾ HOẠCH THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG NĂM 2026",
        "Giải quyết đúng hạn 98% hồ sơ một cửa",
        "≥ 98%",
        "Theo dõi hồ sơ trên hệ thống",
        "Phần mềm một cửa",
        "Bộ phận một cửa",
        "15/12/2026",
        "TRƯỞNG ĐƠN VỊ",
        "Lê Thị Hương",
        "PL3.KH",
    ]:
        assert expected in text, expected
    assert "DỰ THẢO" not in text


@pytest.mark.django_db
def test_a_plan_not_yet_approved_prints_as_a_draft(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user)
    client.force_login(staff_user)
    assert "DỰ THẢO" in _text(client.get(reverse("objectives:plan_pdf", args=[plan.pk, "plan"])).content)


@pytest.mark.django_db
def test_the_agency_report_pdf_shows_results_reasons_the_units_and_the_chart(client, secretary, unit, staff_user):
    agency = plan_with_objective(
        unit=None, created_by=secretary, status=PlanStatus.EVALUATED, statement="Hài lòng từ 90% trở lên", target=Decimal("90")
    )
    agency.objectives.update(
        result=Result.NOT_ACHIEVED, actual_value=Decimal("87.5"), reasons="Khảo sát ít phiếu", next_steps="Khảo sát trực tuyến"
    )
    unit_plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED)
    unit_plan.objectives.update(result=Result.ACHIEVED, actual_value=Decimal("97"))
    client.force_login(secretary)
    text = _text(client.get(reverse("objectives:plan_pdf", args=[agency.pk, "report"])).content)
    for expected in [
        "BÁO CÁO THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG NĂM 2026",
        "Hài lòng từ 90% trở lên",
        "87,5%",
        "Không đạt",
        "Khảo sát ít phiếu",
        "Khảo sát trực tuyến",
        "Văn phòng",
        "100%",
        "PL3.BC",
        "Tỷ lệ mục tiêu chất lượng đạt",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_render_form_knows_the_plan_and_the_report(approved_unit_plan):
    assert {"PL3.KH", "PL3.BC"} <= set(REGISTRY)
    assert "Giải quyết đúng hạn 98%" in _text(REGISTRY["PL3.KH"].render(approved_unit_plan.pk))
    assert "BÁO CÁO THỰC HIỆN" in _text(REGISTRY["PL3.BC"].render(approved_unit_plan.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["plan", "report"])
def test_the_excel_files_open_and_hold_the_table(client, approved_unit_plan, staff_user, kind):
    client.force_login(staff_user)
    response = client.get(reverse("objectives:plan_excel", args=[approved_unit_plan.pk, kind]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [str(c) for row in rows for c in row]
    assert "Mục tiêu chất lượng" in flat and "Giải quyết đúng hạn 98% hồ sơ một cửa" in flat and "≥ 98%" in flat
    if kind == "plan":
        assert "Bộ phận một cửa" in flat and "15/12/2026" in flat
    else:
        assert "Kết quả đạt được" in flat


@pytest.mark.django_db
def test_an_unknown_output_kind_is_not_found(client, approved_unit_plan, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("objectives:plan_pdf", args=[approved_unit_plan.pk, "other"])).status_code == 404
