"""Admin of the risk table: an agency's admin edits its matrix and retention setting; the rows are read
here only (a change made outside the app's service would leave no history row)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from qms.admin import AgencyScopedAdmin

from .models import Risk, RiskHistory, RiskSettings


@admin.register(RiskSettings)
class RiskSettingsAdmin(AgencyScopedAdmin):
    list_display = ["organisation", "record_retention_years"]

    def has_add_permission(self, request) -> bool:
        if request.user.is_superuser:
            return True
        org = request.user.organisation_id
        return org is not None and not RiskSettings.objects.filter(organisation_id=org).exists() and super().has_add_permission(request)


class RiskHistoryInline(admin.TabularInline):
    model = RiskHistory
    extra = 0
    can_delete = False
    fields = ("version", "changed_at", "changed_by", "level", "status", "response", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Risk)
class RiskAdmin(AgencyScopedAdmin):
    list_display = ["number", "organisation", "unit", "kind", "level", "status", "deadline"]
    list_filter = ["kind", "level", "status"]
    inlines = [RiskHistoryInline]

    def has_add_permission(self, request) -> bool:
        return False  # rows are added in the app, by the table's maintainer

    def locked(self, obj) -> bool:
        return True  # every change goes through risks.services (history row, version)

    def delete_locked(self, obj) -> bool:
        return False  # a row may go once its retention period has run out (Risk.delete refuses before)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_retained():
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
