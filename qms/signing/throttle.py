"""Wrong passphrases or PINs are counted per user: after SECRET_ATTEMPTS in SECRET_WINDOW seconds the sign
form refuses to try again until the window ends (a .p12 passphrase must not be guessable through the app,
even by someone who knows the account password, which django-axes already throttles)."""

from __future__ import annotations

from django.core.cache import cache

SECRET_ATTEMPTS = 5
SECRET_WINDOW = 15 * 60


def _key(user_id: int) -> str:
    return f"qms:signing:wrong-secret:{user_id}"


def secret_locked(user_id: int) -> bool:
    return int(cache.get(_key(user_id), 0)) >= SECRET_ATTEMPTS


def secret_failed(user_id: int) -> None:
    key = _key(user_id)
    cache.add(key, 0, timeout=SECRET_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SECRET_WINDOW)


def secret_succeeded(user_id: int) -> None:
    cache.delete(_key(user_id))
