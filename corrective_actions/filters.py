from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.models import Organisation, Unit, User
from qms.search import text_search
from qms.tenancy import is_overseer

from .models import FINAL_STATES, Kind, Source, Ticket, TicketStatus


class TicketFilter(django_filters.FilterSet):
    """The list's filters. The queryset given is already the user's visible tickets; the choices offered
    are the user's agency's units, and for the provincial overseer the agencies (the overview's drill-down
    links name one: ?organisation=<pk>&year=<year>&status=…)."""

    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label=_("Cơ quan"), empty_label=_("Tất cả cơ quan")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Tìm kiếm"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(), method="filter_unit", label=_("Đơn vị"), empty_label=_("Tất cả đơn vị")
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Loại"), empty_label=_("Tất cả loại"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Nguồn"), empty_label=_("Tất cả nguồn"))
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices, label=_("Trạng thái"), empty_label=_("Tất cả trạng thái"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Quá hạn"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Quá hạn")), ("false", _("Không quá hạn"))]),
    )
    year = django_filters.NumberFilter(field_name="year", label=_("Năm"))
    # The dashboard's age bands drill down with these (qms.dashboards): the tickets not finished yet, and
    # the dates they were written between. Hidden: the list's form does not offer them.
    unfinished = django_filters.BooleanFilter(method="filter_unfinished", label=_("Chưa hoàn thành"), widget=forms.HiddenInput)
    opened_after = django_filters.DateFilter(field_name="description_date", lookup_expr="gte", widget=forms.HiddenInput)
    opened_before = django_filters.DateFilter(field_name="description_date", lookup_expr="lte", widget=forms.HiddenInput)
    # The dashboard's repeats by process drill down to the tickets naming exactly that process.
    process = django_filters.CharFilter(field_name="process", max_length=255, widget=forms.HiddenInput)
    verified_year = django_filters.NumberFilter(field_name="verified_on__year", label=_("Năm kiểm tra xác nhận"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "year"), ("number", "number"), ("description_date", "date"), ("completion_date", "due"), ("status", "status")),
        # Ascending labels are keyed by model field, descending by "-param"; explicit lazy labels because
        # django-filter's own "%s (descending)" is formatted at import time and has no Vietnamese catalogue.
        field_labels={
            "year": _("Năm"),
            "number": _("Số phiếu"),
            "description_date": _("Ngày"),
            "completion_date": _("Ngày hoàn thành"),
            "status": _("Trạng thái"),
            "-year": _("Năm (giảm dần)"),
            "-number": _("Số phiếu (giảm dần)"),
            "-date": _("Ngày (giảm dần)"),
            "-due": _("Ngày hoàn thành (giảm dần)"),
            "-status": _("Trạng thái (giảm dần)"),
        },
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Ticket
        fields = [
            "organisation", "q", "unit", "kind", "source", "status", "overdue", "year", "verified_year",
            "unfinished", "opened_after", "opened_before", "process",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request is not None else None
        if user is not None and is_overseer(user):
            self.filters["organisation"].queryset = Organisation.objects.agencies()
            del self.filters["unit"]  # units are each agency's own; the overseer picks the agency
        else:
            del self.filters["organisation"]
            del self.filters["verified_year"]
            self.filters["unit"].queryset = Unit.objects.of(user.organisation_id if user is not None else None)
        for field in self.form.fields.values():
            widget = field.widget
            widget.attrs["class"] = "form-select form-select-sm" if hasattr(widget, "choices") else "form-control form-control-sm"

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The ticket's own columns (one trigram index on PostgreSQL, migration 0012), and the people found by
        # name first (their own index) then matched by id (the foreign keys' indexes): an OR across joined
        # tables, or with a subquery, could use none of them.
        people = User.objects.filter(text_search(("full_name",), value))
        user = self.request.user if self.request is not None else None
        if user is not None and user.organisation_id is not None and not is_overseer(user):
            people = people.filter(organisation=user.organisation_id)
        people = list(people.values_list("pk", flat=True))
        cond = (
            text_search(("description", "process", "clause", "cause", "measure", "related_documents"), value)
            | Q(requester__in=people)
            | Q(assignee__in=people)
        )
        number, _sep, year = value.partition("/")
        if number.isdigit():
            cond |= Q(number=int(number), **({"year": int(year)} if year.isdigit() else {}))
        return queryset.filter(cond)

    def filter_unit(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(unit=value) | Q(requesting_unit=value) | Q(implementing_unit=value))

    def filter_unfinished(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(status__in=FINAL_STATES) if value else queryset.filter(status__in=FINAL_STATES)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()
