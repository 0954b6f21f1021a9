"""A client for an OpenAI-compatible chat endpoint (POST {base_url}/chat/completions).

Generic on purpose: `chat(settings, messages)` returns the reply's text, so paragraph generation
and translation share it. Nothing is sent unless a feature that uses it is switched on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from digest.errors import LLMError
from digest.settings.parts import LLMConfig


def chat(settings: LLMConfig, messages: Sequence[dict[str, str]], temperature: float = 0.0) -> str:
    """The endpoint's reply to the messages, as text; LLMError (one line) on any failure."""
    import httpx

    headers = {"Content-Type": "application/json"}
    if settings.api_key_env:
        key = os.environ.get(settings.api_key_env)
        if not key:
            raise LLMError(f"the LLM API key variable {settings.api_key_env} is not set")
        headers["Authorization"] = f"Bearer {key}"
    url = settings.base_url.rstrip("/") + "/chat/completions"
    body = {"model": settings.model, "messages": list(messages), "temperature": temperature}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=settings.timeout)
    except httpx.HTTPError as exc:
        raise LLMError(f"chat endpoint {url}: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise LLMError(f"chat endpoint {url}: HTTP {response.status_code}: {response.text[:200]}")
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"chat endpoint {url}: the reply is not a chat completion") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"chat endpoint {url}: the reply is empty")
    return content.strip()
