"""The ticket list's text search (issue 15): accent-insensitive on both databases, and on PostgreSQL served
by the trigram indexes of migrations qms/0014 and corrective_actions/0012 (SQLite has none to use)."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from corrective_actions.models import Ticket
from corrective_actions.tests.factories import TicketFactory
from qms.models import User
from qms.search import text_search

pytestmark = pytest.mark.django_db


def test_the_search_ignores_accents_in_the_tickets_text_and_in_the_peoples_names(client, secretary, unit):
    by_text = TicketFactory(requesting_unit=unit, description="Hồ sơ đất đai trả chậm", process="Cấp giấy chứng nhận")
    by_name = TicketFactory(requesting_unit=unit, description="Khác")
    by_name.requester.full_name = "Đặng Thị Tuyết"
    by_name.requester.save()
    client.force_login(secretary)

    def found(q: str) -> set[int]:
        return {t.pk for t in client.get(reverse("corrective_actions:list"), {"q": q}).context["page"]}

    assert found("dat dai") == {by_text.pk}
    assert found("CAP GIAY") == {by_text.pk}
    assert found("dang thi tuyet") == {by_name.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only")
def test_on_postgresql_the_text_search_is_served_by_the_trigram_indexes(secretary, unit):
    from corrective_actions.filters import TicketFilter

    TicketFactory(requesting_unit=unit, description="Hồ sơ đất đai trả chậm")
    request = type("Request", (), {"user": secretary})()
    qs = TicketFilter({"q": "dat dai"}, queryset=Ticket.objects.all(), request=request).qs
    people = User.objects.filter(text_search(("full_name",), "dat dai"))
    assert "ca_ticket_text_fold_trgm" in explain(qs)
    assert "qms_user_name_fold_trgm" in explain(people)


def explain(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index can serve it
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    return plan
