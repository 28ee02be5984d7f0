"""A message told to a person, kept as its catalogue key and parameters so that it is rendered in the
reader's language when it is read (inbox, audit trail) or sent (e-mail), not in the language of the
person who acted.

    N_("Phiếu %(n)s chờ đơn vị xem xét") % {"n": ticket.number_display}
    Message(ACTION_LABELS["open"])  # a msgid marked elsewhere with gettext_noop

The msgid is the Vietnamese source string; `N_` (an extra keyword of our makemessages, like
`gettext_noop`) puts it in the catalogue and returns it untranslated as a Message; `%` gives it its
parameters and returns a Message again, so a call reads like the `_("…") % {…}` it replaces. A parameter is a JSON value (free text typed by a user stays as typed: it is never
translated), another Message, or a lazy translation (a choice label) — both rendered in the same
language as the message. Anything else (a date already formatted, a unit) is kept as its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

_SCALARS = (str, int, float, bool, type(None))


class Message:
    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None) -> None:
        self.msgid = str(msgid)
        self.params: dict[str, Any] = {str(k): _param(v) for k, v in (params or {}).items()}

    def __mod__(self, params: Mapping[str, Any]) -> Message:
        return Message(self.msgid, {**self.params, **params})

    @classmethod
    def join(cls, parts: Iterable[Message | str], separator: str = "\n") -> Message:
        """Parts (Messages or plain text) joined by `separator`, each rendered in the reader's language."""
        params = {f"p{i}": part for i, part in enumerate(parts)}
        return cls(separator.replace("%", "%%").join(f"%({key})s" for key in params), params)

    def render(self, language: str | None = None) -> str:
        """The text in `language` (the active language when None)."""
        if language is None:
            return self._render()
        with translation.override(language):
            return self._render()

    def _render(self) -> str:
        if not self.msgid:
            return ""  # gettext("") is the catalogue's header
        text = translation.gettext(self.msgid)
        if not self.params:
            return text  # a %-free msgid renders as is (a literal % stays)
        return text % {k: v._render() if isinstance(v, Message) else v for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def to_json(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": {k: v.to_json() if isinstance(v, Message) else v for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        message = cls(data["msgid"])
        message.params = {
            k: cls.from_json(v) if isinstance(v, Mapping) and "msgid" in v else v for k, v in (data.get("params") or {}).items()
        }
        return message


def N_(msgid: str) -> Message:  # noqa: N802 — the gettext convention for a string marked, not translated
    """Mark `msgid` for the catalogue and keep it as a Message, rendered later in the reader's language."""
    return Message(msgid)


def _param(value: Any) -> Any:
    if isinstance(value, (Message, *_SCALARS)):
        return value
    if isinstance(value, Promise):
        # A lazy translation: its Vietnamese rendering is its msgid (source strings are Vietnamese).
        with translation.override(settings.LANGUAGE_CODE):
            return Message(str(value))
    return str(value)


def as_message(value: Message | str) -> Message | None:
    """A Message as is; plain text (already rendered, or typed by a user) has no key: None."""
    return value if isinstance(value, Message) else None


def render(value: Message | str, language: str | None = None) -> str:
    return value.render(language) if isinstance(value, Message) else str(value)


def render_stored(data: Mapping[str, Any] | None, stored_text: str, language: str | None = None) -> str:
    """A stored message in `language`; a row written before messages were stored shows its text."""
    if not data:
        return stored_text
    return Message.from_json(data).render(language)
