from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (keeps filters while paginating)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_set(context, key: str, value) -> str:
    """As query_replace, with the parameter's name given as a value (a page with two paginated lists)."""
    query = context["request"].GET.copy()
    query[key] = value
    return query.urlencode()


@register.filter
def safe_svg(value: str) -> str:
    """A stored SVG drawing, rebuilt from safe elements and attributes only (qms.svg)."""
    from qms.svg import safe_svg as clean

    return clean(value)
