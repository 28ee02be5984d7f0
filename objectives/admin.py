from django.contrib import admin

from .models import Measurement, Objective, ObjectivesSettings, Plan, PlanAction


@admin.register(ObjectivesSettings)
class ObjectivesSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan_due_day", "plan_due_month", "evaluation_due_day", "evaluation_due_month", "reminder_lead_working_days"]

    def has_add_permission(self, request) -> bool:
        return not ObjectivesSettings.objects.exists()


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    # State changes go through the app's services (audit, locking); admin is read-mostly.
    list_display = ["year", "unit", "revision", "status", "approved_at"]
    list_filter = ["year", "status", "unit"]
    readonly_fields = ["status", "version", "supersedes"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["plan", "order", "indicator", "target", "result"]
    list_filter = ["plan__year", "result"]
    inlines = [PlanActionInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["objective", "period", "value", "measured_on", "recorded_by"]
