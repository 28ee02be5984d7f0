"""`render_form CODE PK -o file`: the registry lookup, its errors, and the Decree 30 base layout it renders.
A form of the core's own (a Unit) stands in for the apps' forms, which test themselves (reviews/tests/test_pdf.py)."""

import datetime as dt
import subprocess
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from qms.models import Unit
from qms.pdf import REGISTRY, FormRenderer, document_number, render_pdf, vn_date_line

pytestmark = pytest.mark.django_db


def _unit_form(pk: int) -> bytes:
    unit = Unit.objects.get(pk=pk)
    org = unit.organisation
    return render_pdf(
        "pdf/base.html",
        {
            "org": org,
            "form_code": "TEST.01",
            "document_title": unit.name,
            "number_line": document_number(5, org.notice_symbol),
            "date_line": vn_date_line(org.place_name, dt.date(2026, 1, 5)),
        },
    )


@pytest.fixture
def registered_form(monkeypatch):
    monkeypatch.setitem(REGISTRY, "TEST.01", FormRenderer("TEST.01", "Biểu mẫu thử", _unit_form))


def test_it_writes_the_registered_form_as_a_pdf_in_the_decree_30_layout(registered_form, unit, tmp_path):
    out = tmp_path / "sub" / "form.pdf"
    call_command("render_form", "TEST.01", str(unit.pk), "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    )
    text = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 05/TB-BCĐ ISO" in text
    assert "Hà Nội, ngày 05 tháng 01 năm 2026" in text
    assert "CỤC THÔNG TIN ĐỐI NGOẠI" in text and "TEST.01" in text


def test_it_names_the_known_codes_when_the_code_is_unknown(registered_form, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("render_form", "BM.XX.99", "1", "-o", str(tmp_path / "x.pdf"))
    assert "BM.XX.99" in str(error.value) and "TEST.01" in str(error.value)
    assert not (tmp_path / "x.pdf").exists()


def test_it_refuses_a_record_that_does_not_exist(registered_form, tmp_path):
    with pytest.raises(CommandError, match="424242"):
        call_command("render_form", "TEST.01", "424242", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_output_option_is_required(registered_form, unit):
    with pytest.raises(CommandError):
        call_command("render_form", "TEST.01", str(unit.pk))
