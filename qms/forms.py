"""Form widgets shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy. A native date picker shows the browser's own locale — mm/dd/yyyy on an
    English Windows — which invites swapped days and months on official deadlines. The server also
    accepts ISO dates (settings.FORMAT_MODULE_PATH → DATE_INPUT_FORMATS)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "vn-date"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DateTimeInput(forms.DateTimeInput):
    """A date and time typed as dd/mm/yyyy hh:mm, for the same reason as DateInput."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off", "class": "vn-datetime"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y %H:%M")
