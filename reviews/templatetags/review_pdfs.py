"""`{% review_pdf_links review as links %}`: the review's forms the signed-in user may download."""

from django import template

from reviews.pdf import available_pdfs

register = template.Library()


@register.simple_tag(takes_context=True)
def review_pdf_links(context, review):
    request = getattr(context, "request", None) or context.get("request")
    return available_pdfs(review, request.user) if request is not None else []
