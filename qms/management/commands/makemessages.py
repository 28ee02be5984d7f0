"""makemessages that also extracts the gettext aliases used in the code base.

xgettext only knows the standard keywords (gettext, _, gettext_lazy, ...); modules that import
`gettext as _g`, `gettext as _gettext` or `gettext_lazy as _l` (to avoid clashing with a local `_`)
would otherwise have their strings silently left out of locale/*/django.po. `N_` marks a
`qms.messages.Message` (rendered in the reader's language when read).
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_g", "--keyword=_gettext", "--keyword=_l", "--keyword=N_"]
