"""The provincial overseer in a real browser: the overview of the demo province, then down to one
agency's signed minutes."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io  # noqa: E402

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from qms.demo import DEMO_PASSWORD  # noqa: E402
from qms.models import Organisation  # noqa: E402
from reviews.models import Minutes, MinutesStatus  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


def test_the_overseer_opens_the_overview_and_drills_down_to_an_agencys_signed_minutes(page, live_server, restore_roles, today):
    call_command("load_demo", stdout=io.StringIO())
    agency = Organisation.objects.get(code="so-cong-thuong")
    signed = Minutes.objects.get(review__organisation=agency, status=MinutesStatus.SIGNED)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Tên đăng nhập").fill("tinh.theodoi")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("overview-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"năm {today.year}")
    row = page.locator(f'[data-testid="overview-row"][data-organisation="{agency.code}"]')
    expect(row).to_contain_text(agency.name)
    expect(page.locator('[data-testid="overview-row"][data-organisation="cuc-ttdn"]')).to_be_visible()
    row.locator('[data-figure="reviews_periodic"] a').click()
    # The agency's finished reviews only: its drafts and the other agency's reviews are not listed.
    expect(page.get_by_role("link", name=signed.review.title)).to_be_visible()
    assert page.get_by_test_id("review-agency").all_inner_texts() == [agency.short_name] * page.get_by_test_id("review-agency").count()
    page.get_by_role("link", name=signed.review.title).click()
    page.get_by_role("link", name=f"{signed.form_code} — bản {signed.revision}").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/minutes/{signed.pk}/")
    # Read-only: no button to edit, sign or revise.
    for name in ("Sửa", "Đọc và ký", "Tạo bản sửa đổi"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
