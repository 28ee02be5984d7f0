"""pyHanko's work is asynchronous; its synchronous wrappers call `asyncio.run`, which refuses to start while the
calling thread already runs an event loop (an ASGI server, Playwright's sync API in the tests). `run` starts
the coroutine in a fresh thread then, so signing and checking behave the same from any caller."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(asyncio.run, coroutine).result()
