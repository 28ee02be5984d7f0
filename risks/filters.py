from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qms.models import Unit
from qms.search import text_search

from .models import Effectiveness, Kind, Level, RiskStatus


class RiskFilter(django_filters.FilterSet):
    """The list's filters over the rows the user may read; the units offered are the user's agency's."""

    q = django_filters.CharFilter(method="filter_text", label=_("Tìm kiếm"))
    scope = django_filters.ChoiceFilter(method="filter_scope", label=_("Bảng"), empty_label=_("Tất cả các bảng"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Loại"), empty_label=_("Tất cả loại"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Mức"), empty_label=_("Tất cả mức"))
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, label=_("Trạng thái"), empty_label=_("Tất cả trạng thái"))
    effectiveness = django_filters.ChoiceFilter(choices=Effectiveness.choices, label=_("Hiệu lực"), empty_label=_("Tất cả"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.of(user.organisation_id).active() if user is not None else Unit.objects.none()
        self.filters["scope"].extra["choices"] = [("agency", _("Cơ quan"))] + [(str(u.pk), u.name) for u in units]

    def filter_scope(self, queryset, name, value):
        if value == "agency":
            return queryset.filter(unit__isnull=True)
        return queryset.filter(unit_id=int(value)) if str(value).isdigit() else queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(text_search(["description", "process", "cause", "response", "owner"], value)) if value else queryset
