"""The provincial overview: who may read it, what it shows, its links and its Excel export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qms import overview
from qms.models import Organisation
from qms.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_figure(monkeypatch):
    """A figure group standing for an app's: the count is the length of the agency's code, in one query."""

    def counts(organisations, year):
        rows = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).values_list("pk", "code")
        return {pk: {"letters": len(code) + year - year} for pk, code in rows}

    figure = overview.Figure("letters", "Số chữ", lambda org, year: f"/records/?organisation={org.pk}&year={year}")
    monkeypatch.setattr(overview, "_GROUPS", [overview.FigureGroup((figure,), counts)])


def test_only_the_overseer_reads_the_overview(client, overseer, role_users):
    for user in role_users.values():
        if user != overseer:
            client.force_login(user)
            assert client.get(reverse("overview")).status_code == 403
    client.force_login(overseer)
    assert client.get(reverse("overview")).status_code == 200


def test_each_agency_has_a_row_of_figures_linking_down_to_its_records(
    client, overseer, organisation, other_organisation, oversight, one_figure
):
    client.force_login(overseer)
    page = client.get(reverse("overview"), {"year": 2026}).content.decode()
    assert organisation.name in page and other_organisation.name in page
    assert oversight.name not in page  # the overseer's own department is not an agency
    assert f'href="/records/?organisation={other_organisation.pk}&amp;year=2026">{len(other_organisation.code)}</a>' in page


def test_a_bad_year_falls_back_to_this_year(client, overseer, today, one_figure):
    client.force_login(overseer)
    for year in ("abc", "99999", "-1", "1900"):
        response = client.get(reverse("overview"), {"year": year})
        assert response.status_code == 200 and response.context["year"] == today.year


def test_the_overview_costs_the_same_queries_for_two_agencies_as_for_six(client, overseer, organisation, other_organisation, one_figure):
    client.force_login(overseer)
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("overview"))
    for n in range(4):
        OrganisationFactory(code=f"so-them-{n}")
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("overview"))
    assert len(response.context["rows"]) == 6
    assert len(two.captured_queries) == len(six.captured_queries)


def test_the_excel_export_has_a_row_per_agency_and_keeps_a_formula_like_name_as_text(client, overseer, organisation, one_figure):
    OrganisationFactory(code="so-x", name='=HYPERLINK("http://x")')
    client.force_login(overseer)
    response = client.get(reverse("overview_export"), {"year": 2026})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Cơ quan", "Mã", "Số chữ")
    assert (organisation.name, organisation.code, len(organisation.code)) in rows
    assert any(row[0] == '\'=HYPERLINK("http://x")' for row in rows)


def test_with_every_apps_figures_the_page_costs_the_same_queries_for_two_agencies_as_for_six(
    client, overseer, organisation, other_organisation
):
    assert {figure.key for figure in overview.figures()} >= {
        "reviews_periodic",
        "reviews_extraordinary",
        "late_reports",
        "overdue_actions",
        "open_tickets",
        "failed_tickets",
        "objectives_achieved",
        "objectives_evaluated",
    }
    client.force_login(overseer)
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("overview"))
    for n in range(4):
        OrganisationFactory(code=f"so-moi-{n}")
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("overview"))
    assert len(response.context["rows"]) == 6
    assert len(two.captured_queries) == len(six.captured_queries)
