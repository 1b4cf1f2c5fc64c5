"""The sandbox gateway's model: a LiteLLM custom provider that answers every model name with a fixed text.

LiteLLM's own `mock_response` reports fixed usage (10/20 tokens on chat, 2095/503 on /v1/messages)
whatever was sent; this provider counts instead (about 4 characters a token, the usual estimate),
so that usage reports show numbers that move with the prompt. It also plays Anthropic's prompt
cache: the prompt up to the last `cache_control` block is written to the cache the first time and
read from it for five minutes after, as Claude Code's requests expect. LiteLLM's adapters turn its
answers into the Anthropic Messages API (streamed or not), OpenAI chat completions and responses.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from typing import Any

from litellm import CustomLLM, ModelResponse
from litellm.types.utils import GenericStreamingChunk, Usage

ANSWER = os.environ.get("SANDBOX_ANSWER", "Hello from the aistack sandbox gateway.")


def estimate_tokens(value: Any) -> int:
    """About four characters a token, over every string in the messages (text, tool results, ...)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return max(1, round(len(text) / 4))


CACHE_TTL = 300.0
_cache: dict[str, float] = {}  # prefix hash -> expiry
_cache_lock = threading.Lock()


def cached_prefix(messages: list) -> list | None:
    """The messages up to and including the last content block marked with `cache_control`, or None."""
    last = None
    for i, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            for j, block in enumerate(content):
                if isinstance(block, dict) and block.get("cache_control"):
                    last = (i, j)
    if last is None:
        return None
    i, j = last
    return messages[:i] + [{**messages[i], "content": messages[i]["content"][: j + 1]}]


def _cache_lookup(prefix: list) -> bool:
    """Whether the prefix was cached and still is; caches it (again) either way."""
    key = hashlib.sha256(json.dumps(prefix, sort_keys=True, default=str).encode()).hexdigest()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key, 0.0) > now
        _cache[key] = now + CACHE_TTL
    return hit


def _counts(messages: list, optional_params: dict) -> dict[str, int]:
    """OpenAI-style usage (prompt_tokens includes the cached part) with Anthropic's cache fields."""
    prompt = estimate_tokens(messages) + estimate_tokens(optional_params.get("tools") or "")
    completion = estimate_tokens(ANSWER)
    prefix = cached_prefix(messages)
    cached = min(prompt, estimate_tokens(prefix)) if prefix else 0
    read = cached if prefix and _cache_lookup(prefix) else 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "cache_read_input_tokens": read, "cache_creation_input_tokens": cached - read}


class SandboxLLM(CustomLLM):
    def _response(self, model: str, messages: list, model_response: ModelResponse, optional_params: dict):
        model_response.choices[0].message.content = ANSWER  # type: ignore[union-attr]
        model_response.choices[0].finish_reason = "stop"
        model_response.model = model
        model_response.created = int(time.time())
        model_response.usage = Usage(**_counts(messages, optional_params))  # type: ignore[attr-defined]
        return model_response

    def _chunks(self, messages: list, optional_params: dict):
        usage = _counts(messages, optional_params)
        words = ANSWER.split(" ")
        for i, word in enumerate(words):
            last = i == len(words) - 1
            yield GenericStreamingChunk(
                text=word if i == 0 else " " + word,
                tool_use=None,
                is_finished=last,
                finish_reason="stop" if last else "",
                usage=usage if last else None,
                index=0,
            )

    def completion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose, encoding,
                   api_key, logging_obj, optional_params, *args, **kwargs):
        return self._response(model, messages, model_response, optional_params)

    async def acompletion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                          encoding, api_key, logging_obj, optional_params, *args, **kwargs):
        return self._response(model, messages, model_response, optional_params)

    def streaming(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose, encoding,
                  api_key, logging_obj, optional_params, *args, **kwargs):
        yield from self._chunks(messages, optional_params)

    async def astreaming(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                         encoding, api_key, logging_obj, optional_params, *args, **kwargs):
        for chunk in self._chunks(messages, optional_params):
            yield chunk


handler = SandboxLLM()
