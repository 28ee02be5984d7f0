"""Django admin for the core. A superuser is the provincial admin: every agency, and the only one who
creates agencies. An agency's admin (role AGENCY_ADMIN, is_staff) sees and edits only their agency's
settings, units, users and days off; the forms cannot point at another agency."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .messages import N_
from .models import (
    AuditEntry,
    CalendarException,
    DocumentCounter,
    Notification,
    Organisation,
    OutboxMessage,
    SignerProfile,
    TrustAnchor,
    Unit,
    User,
)
from .roles import Role
from .services import audit_record

# Roles an agency's admin may give: never the provincial overseer's.
AGENCY_ROLES = [role for role in Role if role != Role.OVERSEER]


class AuditedAdmin(admin.ModelAdmin):
    """Admin closes what the app locks, and leaves the same trace as the app.

    - A record for which `locked(obj)` is true (signed minutes, a final report, a closed ticket…) is
      read-only here: it can be viewed, never changed, nor deleted (the bulk delete included) unless
      `delete_locked(obj)` says otherwise (records kept for a retention period may go once it ends).
    - Every add, change and delete made here, its inline rows included, writes the audit row the app
      writes (qms.services.audit_record), with the fields changed."""

    def locked(self, obj) -> bool:
        return False

    def delete_locked(self, obj) -> bool:
        """Whether a locked record also may not be deleted; a retained record's admin says False, its
        deletion being ruled by the retention period instead."""
        return self.locked(obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.delete_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = ", ".join(form.changed_data) if change else ""
        audit_record(
            target=obj,
            actor=request.user,
            action=N_("Sửa trong trang quản trị") if change else N_("Thêm trong trang quản trị"),
            note=N_("Trường đã sửa: %(fields)s") % {"fields": fields} if fields else "",
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        parent = form.instance
        for obj in getattr(formset, "new_objects", []):
            audit_record(
                target=parent, actor=request.user, action=N_("Thêm trong trang quản trị"), note=N_("Thêm: %(obj)s") % {"obj": str(obj)}
            )
        for obj, fields in getattr(formset, "changed_objects", []):
            audit_record(
                target=parent,
                actor=request.user,
                action=N_("Sửa trong trang quản trị"),
                note=N_("%(obj)s — trường đã sửa: %(fields)s") % {"obj": str(obj), "fields": ", ".join(fields)},
            )
        for obj in getattr(formset, "deleted_objects", []):
            audit_record(
                target=parent, actor=request.user, action=N_("Xóa trong trang quản trị"), note=N_("Xóa: %(obj)s") % {"obj": str(obj)}
            )

    def delete_model(self, request, obj):
        if self.delete_locked(obj):
            self.message_user(request, gettext("“%(obj)s” đã bị khóa, không thể xóa.") % {"obj": obj}, messages.ERROR)
            return
        pk, label = obj.pk, str(obj)
        super().delete_model(request, obj)  # a retained record may be refused on the way (no audit row then)
        if not type(obj)._default_manager.filter(pk=pk).exists():
            obj.pk = pk  # the audit row names the record that was deleted
            audit_record(target=obj, actor=request.user, action=N_("Xóa trong trang quản trị"), note=label)

    def delete_queryset(self, request, queryset):
        # One by one, so that each deletion is checked (locked, retained) and audited.
        for obj in queryset:
            self.delete_model(request, obj)


class AgencyScopedAdmin(AuditedAdmin):
    """Rows of the admin's own agency only; a new row belongs to it; foreign keys offer only its rows.
    Audited, and read-only where the app locks (AuditedAdmin)."""

    organisation_path = "organisation"  # how a row reaches its agency
    # A foreign key to one of these models offers only the admin's agency's rows: model -> path to the agency.
    # An app's admin adds its own models (`{**AgencyScopedAdmin.choice_scopes, Plan: "organisation"}`).
    choice_scopes: dict[type[models.Model], str] = {Unit: "organisation", User: "organisation", Organisation: "pk"}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if request.user.organisation_id is None:
            return qs.none()
        return qs.filter(**{self.organisation_path: request.user.organisation_id})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and self.organisation_path == "organisation" and "organisation" not in fields:
            fields.append("organisation")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = self.choice_scopes.get(db_field.related_model)
        if path is not None and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(**{path: request.user.organisation_id})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        path = self.choice_scopes.get(db_field.related_model)
        if path is not None and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(**{path: request.user.organisation_id})
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.organisation_path == "organisation" and not change:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(AgencyScopedAdmin):
    organisation_path = "pk"
    list_display = ["name", "code", "kind", "parent_name", "place_name", "minutes_form", "review_chair_role", "is_active"]
    filter_horizontal = ["ticket_verifiers"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["code", "kind", "is_active"]

    def has_add_permission(self, request):
        return request.user.is_superuser  # the provincial admin creates agencies

    def has_delete_permission(self, request, obj=None):
        return False  # an agency's records are kept; it is deactivated instead


@admin.register(Unit)
class UnitAdmin(AgencyScopedAdmin):
    list_display = ["name", "code", "organisation", "order", "report_submitter", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]
    list_select_related = ["organisation"]


class AgencyUserForm(forms.ModelForm):
    """Checks that the unit and the roles fit the user's agency (a unit of another agency, or the
    overseer's role, is refused with a message rather than saved)."""

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation", getattr(self.instance, "organisation", None))
        unit = cleaned.get("unit")
        if unit is not None and organisation is not None and unit.organisation_id != organisation.pk:
            raise ValidationError({"unit": _("Đơn vị này thuộc cơ quan khác.")})
        return cleaned


@admin.register(User)
class UserAdmin(AgencyScopedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "organisation", "unit", "job_title", "email", "is_active"]
    list_filter = ["organisation", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["unit", "organisation"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Cơ quan"), {"fields": ("organisation", "full_name", "job_title", "unit", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Cơ quan"), {"fields": ("organisation", "full_name", "email", "job_title", "unit")}),
    )

    change_list_template = "admin/qms/user/change_list.html"  # adds "Nhập từ Excel" and "Xuất ra Excel"

    def get_urls(self):
        from django.urls import path

        from .user_import_admin import export_view, import_view

        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(lambda request: import_view(self, request)), name="qms_user_import"),
            path("export/", wrap(lambda request: export_view(self, request)), name="qms_user_export"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ScopedUserForm", (AgencyUserForm, form), {})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[role.value for role in AGENCY_ROLES])
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(CalendarException)
class CalendarExceptionAdmin(AgencyScopedAdmin):
    list_display = ["date", "kind", "organisation", "note"]
    list_filter = ["kind", "organisation"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(AgencyScopedAdmin):
    list_display = ["at", "content_type", "object_id", "actor", "action", "from_state", "to_state"]
    list_filter = ["content_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is evidence: nobody edits or removes it


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the product writes itself: admins read them, never edit them (an edited counter would
    give a document number twice; an edited notification would change what was sent)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(AgencyScopedAdmin, ReadOnlyAdmin):
    organisation_path = "recipient__organisation"
    list_display = ["created_at", "recipient", "subject", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "recipient__full_name"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(AgencyScopedAdmin, ReadOnlyAdmin):
    list_display = ["organisation", "series", "year", "last_number"]
    list_filter = ["series", "year"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The provincial admin reads what was sent, what waits and why a message failed; nobody edits it."""

    list_display = ["created_at", "recipient", "subject", "sent_at", "attempts", "next_attempt_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "subject", "key"]
    exclude = ["attachments"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser


admin.site.site_header = _("Quản trị HTQLCL ISO 9001")


@admin.register(SignerProfile)
class SignerProfileAdmin(AgencyScopedAdmin):
    """Who signs how (qms.signing): the kind, its configuration and the signature image. No secret here."""

    list_display = ["__str__", "kind", "organisation"]
    list_filter = ["kind"]


@admin.register(TrustAnchor)
class TrustAnchorAdmin(AuditedAdmin):
    """Installation-wide: only the provincial (super)user adds the roots every agency's check trusts."""

    list_display = ["name"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
