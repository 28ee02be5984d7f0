from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qms.pdf import register_form


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Bảng phân tích rủi ro")

    def ready(self) -> None:
        from qms.dashboards import register_dashboard_figures

        from .dashboard_figures import risk_charts
        from .pdf import AGENCY_CODE, TITLE, UNIT_CODE, agency_table_html, unit_table_html

        register_form(UNIT_CODE, f"{TITLE} (đơn vị)", html=unit_table_html)
        register_form(AGENCY_CODE, f"{TITLE} (cơ quan)", html=agency_table_html)
        register_dashboard_figures(risk_charts)
