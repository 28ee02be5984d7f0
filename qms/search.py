"""Search that ignores case and Vietnamese diacritics: "tuyet" finds "Tuyết", "dang" finds "Đặng".

`text_search(["title", "unit__name"], value)` gives the Q for the list filters. Each field is compared through
the `fold` transform: `qms_fold(…)`, i.e. `LOWER(UNACCENT(…))`, on PostgreSQL (the unaccent extension,
migration qms/0010_auth13_unaccent; the function and pg_trgm, qms/0015_search_fold_trgm, so that GIN
trigram indexes on the folded columns serve the search) and the Python `fold` below, registered as the SQLite function QMS_FOLD on every
connection. Both drop the marks and turn đ into d; stored text is NFC (qms.middleware.NormaliseInputMiddleware)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, Q, TextField, Transform
from django.dispatch import receiver


def fold(text: str | None) -> str | None:
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


class Fold(Transform):
    """`field__fold`: the text without case or diacritics (see the module's docstring)."""

    lookup_name = "fold"
    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="QMS_FOLD", **extra_context)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # qms_fold: LOWER(UNACCENT(…)) as an IMMUTABLE function (migration qms/0014), so trigram indexes serve it.
        return super().as_sql(compiler, connection, template="qms_fold((%(expressions)s)::text)", **extra_context)


CharField.register_lookup(Fold)
TextField.register_lookup(Fold)


@receiver(connection_created)
def _register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("QMS_FOLD", 1, fold, deterministic=True)


def text_search(fields: Iterable[str], value: str) -> Q:
    """Rows where any of `fields` contains `value`, ignoring case and diacritics."""
    needle = fold(unicodedata.normalize("NFC", value.strip())) or ""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__fold__contains": needle})
    return condition
