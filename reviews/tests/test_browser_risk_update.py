"""Issue 14's journey: after a review, a unit head takes a decision of the signed minutes to the unit's risk
table (QT.CTCL 5.8.1.2 "cập nhật bảng phân tích rủi ro của đơn vị"), in a real browser: the row changes, its
earlier version stays in its history, and the decision and the row point at each other."""

import datetime as dt
import os
import shutil

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from conftest import PASSWORD  # noqa: E402
from reviews.tests.factories import signed_review  # noqa: E402
from risks.models import Risk  # noqa: E402
from risks.tests.factories import RiskFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium") and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI")
        pytest.skip("chromium is not installed at /usr/bin/chromium")


def test_a_unit_head_updates_a_row_of_the_units_risk_table_from_a_review_decision(
    page, live_server, unit, unit_head, secretary, committee_head, today
):
    row = RiskFactory(
        organisation=unit.organisation, unit=unit, number=1, description="Nộp báo cáo chậm", response="Nhắc miệng", created_by=unit_head
    )
    _review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Lập lịch nộp báo cáo và nhắc trước 3 ngày làm việc", unit, today + dt.timedelta(days=30))],
    )
    action = minutes.actions.get()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", unit_head.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reviews/actions/{action.pk}/")
    page.click("[data-testid=action-risk-open]")
    form = page.locator("[data-testid=action-risk-form]")
    form.locator("select[name=risk]").select_option(str(row.pk))
    form.locator("textarea[name=response]").fill("Lập lịch nộp báo cáo, nhắc trước 3 ngày làm việc")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/reviews/actions/{action.pk}/")
    assert "Đã cập nhật dòng 1 của bảng phân tích rủi ro" in page.inner_text("body")

    page.goto(f"{live_server.url}/risks/{row.pk}/")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Lập lịch nộp báo cáo, nhắc trước 3 ngày làm việc" in body
    history = page.inner_text("[data-testid=risk-history]")
    assert "Nhắc miệng" in history  # the earlier version stays visible
    row.refresh_from_db()
    action.refresh_from_db()
    assert action.risk_id == row.pk and row.version == 2
    assert Risk.objects.count() == 1
