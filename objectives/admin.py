"""Admin of the objectives app: an agency's admin sees and edits only its agency's settings and plans."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _

from qms.admin import AgencyScopedAdmin

from .models import MEASURABLE_STATES, Measurement, Objective, ObjectivesSettings, Plan, PlanAction, RetainedPlanError


class ObjectivesScopedAdmin(AgencyScopedAdmin):
    """An agency's admin picks only its own agency's plans and objectives in a form."""

    choice_scopes: dict[type[models.Model], str] = {
        **AgencyScopedAdmin.choice_scopes,
        Plan: "organisation",
        Objective: "plan__organisation",
    }


@admin.register(ObjectivesSettings)
class ObjectivesSettingsAdmin(ObjectivesScopedAdmin):
    list_display = [
        "organisation",
        "plan_due_day",
        "plan_due_month",
        "evaluation_due_day",
        "evaluation_due_month",
        "reminder_lead_working_days",
        "record_retention_years",
    ]

    def has_add_permission(self, request) -> bool:
        if request.user.is_superuser:
            return True  # the provincial admin sets up an agency's row
        org = request.user.organisation_id
        return (
            org is not None and not ObjectivesSettings.objects.filter(organisation_id=org).exists() and super().has_add_permission(request)
        )


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    extra = 0


@admin.register(Plan)
class PlanAdmin(ObjectivesScopedAdmin):
    # State changes go through the app's services (audit, locking); admin is read-mostly.
    list_display = ["year", "organisation", "unit", "revision", "status", "approved_at"]
    list_filter = ["year", "status"]
    readonly_fields = ["status", "version", "supersedes"]

    def locked(self, obj) -> bool:
        return obj.is_locked  # approved: changed only by a revision

    def delete_locked(self, obj) -> bool:
        return False  # deletion is ruled by the retention period below, not by the lock

    # QT.CTCL §7: the Phụ lục 3 plan and report are kept for the retention period (3 years).
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_retained():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if any(plan.is_retained() for plan in queryset):
            messages.error(request, _("Không thể xóa: kế hoạch, báo cáo MTCL phải được lưu đủ thời hạn quy định."))
            return
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except RetainedPlanError:
            messages.error(request, _("Không thể xóa: kế hoạch, báo cáo MTCL phải được lưu đủ thời hạn quy định."))


@admin.register(Objective)
class ObjectiveAdmin(ObjectivesScopedAdmin):
    organisation_path = "plan__organisation"
    list_display = ["plan", "order", "indicator", "target", "result"]
    list_filter = ["plan__year", "result"]
    inlines = [PlanActionInline]

    def locked(self, obj) -> bool:
        return obj.plan.is_locked


@admin.register(Measurement)
class MeasurementAdmin(ObjectivesScopedAdmin):
    organisation_path = "objective__plan__organisation"
    list_display = ["objective", "period", "value", "measured_on", "recorded_by"]

    def locked(self, obj) -> bool:
        return obj.objective.plan.status not in MEASURABLE_STATES  # evaluated or superseded: the record is final
