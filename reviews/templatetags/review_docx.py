"""`{{ link|docx_url }}`: the Word download beside a form's PDF link (reviews.pdf.PdfLink), for the forms
that have one (reviews.docx); "" for the others. The same view rules apply to both downloads."""

from django import template
from django.urls import Resolver404, resolve, reverse

register = template.Library()

# The PDF download's URL name -> the Word download's.
WORD_OF_PDF = {"notice_pdf": "reviews:notice_docx", "minutes_pdf": "reviews:minutes_docx"}


@register.filter
def docx_url(link) -> str:
    try:
        match = resolve(link.url)
    except Resolver404:
        return ""
    name = WORD_OF_PDF.get(match.url_name or "")
    return reverse(name, kwargs=match.kwargs) if name else ""
