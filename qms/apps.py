from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsConfig(AppConfig):
    name = "qms"
    verbose_name = _("Hệ thống quản lý chất lượng")

    def ready(self) -> None:
        from . import search, security  # noqa: F401, PLC0415 — the `fold` lookup and the signal receivers
