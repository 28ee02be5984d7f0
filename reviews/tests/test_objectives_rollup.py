"""The consolidated report BM.HT.06.03 takes sections 2 and 5 and a chart from the quality objectives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.models import PlanStatus
from objectives.tests.factories import MeasurementFactory, ObjectiveFactory, PlanFactory
from reviews import pdf, services
from reviews.models import ReviewStatus
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives_2026(unit, secretary, committee_head):
    plan = PlanFactory(
        year=2026, unit=unit, created_by=secretary, status=PlanStatus.MONITORING, approved_by=committee_head, approved_at=timezone.now()
    )
    objective = ObjectiveFactory(plan=plan, statement="Giải quyết đúng hạn 100% hồ sơ văn thư", target=Decimal("95"))
    MeasurementFactory(objective=objective, value=Decimal("97"), period=1, measured_on=dt.date(2026, 3, 31), recorded_by=secretary)
    return plan


def test_generating_the_consolidated_report_pre_fills_objectives_sections_and_freezes_the_chart(objectives_2026, unit, secretary):
    review = ReviewFactory(status=ReviewStatus.PREPARING, units=[unit], year=2026, created_by=secretary)
    report = services.consolidated_report_generate(review=review, actor=secretary)
    assert "1/1 đơn vị đã xây dựng và được phê duyệt MTCL, kế hoạch thực hiện MTCL năm 2026" in report.s2_policy_objectives
    assert "mục tiêu đạt hoặc đúng tiến độ" in report.s5_objectives_implementation
    assert unit.name in report.s5_objectives_implementation
    assert report.objectives_chart_svg.startswith("<svg")


def test_the_chart_appears_on_the_report_page_and_in_the_pdf(objectives_2026, unit, secretary, client):
    review = ReviewFactory(status=ReviewStatus.PREPARING, units=[unit], year=2026, created_by=secretary)
    report = services.consolidated_report_generate(review=review, actor=secretary)
    client.force_login(secretary)
    page = client.get(f"/reviews/{review.pk}/consolidated/").content.decode()
    assert 'data-testid="objectives-chart"' in page and "<svg" in page
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.consolidated_pdf(report))).pages)
    assert "5. Tình hình triển khai thực hiện mục tiêu chất lượng" in text
    assert unit.name in text
