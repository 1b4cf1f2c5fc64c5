"""The sandbox gateway's model: a LiteLLM custom provider that answers every model name with a fixed text.

LiteLLM's own `mock_response` reports fixed usage (10/20 tokens on chat, 2095/503 on /v1/messages)
whatever was sent; this provider counts instead (about 4 characters a token, the usual estimate),
so that usage reports show numbers that move with the prompt. It also plays Anthropic's prompt
cache: the prompt up to the last `cache_control` block is written to the cache the first time and
read from it for five minutes after, as Claude Code's requests expect. LiteLLM's adapters turn its
answers into the Anthropic Messages API (streamed or not), OpenAI chat completions and responses.

A user message containing `CALL <name>` makes it call a tool (once per such message): the offered tool named
<name> (bare or behind the client's server prefix), else the first whose name contains <name>, with no arguments
(through `tool_search` and `tool_call` when the client offers its MCP tools only that way); once the tool's result
is in the conversation it answers with its text and that result.
So one turn of `CALL handbook` is model request, MCP tool call, model request, and a test can see in the answer
that the token-protected MCP server served the call.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from typing import Any

from litellm import CustomLLM, ModelResponse
from litellm.types.utils import ChatCompletionMessageToolCall, Function, GenericStreamingChunk, Usage

ANSWER = os.environ.get("SANDBOX_ANSWER", "Hello from the aistack sandbox gateway.")


def _answer(result: str | None) -> str:
    return ANSWER if result is None else f"{ANSWER} The tool said: {result}"


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


CALL = re.compile(r"\bCALL ([A-Za-z0-9_.-]+)")


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text(block.get("text") or block.get("content") or "") for block in content
                        if isinstance(block, dict))
    return ""


def _names(tools: list | None) -> list[str]:
    return [(tool.get("function") or {}).get("name") or tool.get("name") or "" for tool in tools or []]


def _best(offered: list[str], wanted: str) -> str | None:
    """The offered tool that is `wanted` (exactly, or as the last part of a client's prefixed name such as
    `mcp__handbook__handbook`), else the first whose name contains it (`mcp__handbook__echo` for `CALL handbook`
    only when the server has no tool of that name)."""
    def last_part(name: str) -> str:
        return re.split(r"__|[-.:/]|_(?=[^_]*$)", name.lower())[-1]
    exact = [name for name in offered if name.lower() == wanted or last_part(name) == wanted]
    return exact[0] if exact else next((name for name in offered if wanted in name.lower()), None)


def tool_step(messages: list, tools: list | None) -> tuple[tuple[str, dict] | None, str | None]:
    """((tool, arguments), None) when the last user message asks for a tool not called since; (None, result
    text) once its result is in; (None, None) for a plain answer. A client that hides its MCP tools behind a
    search tool (Qwen Code's `tool_search` + `tool_call`) gets the search first, then the call by the found name."""
    last_user = max((i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"
                     and CALL.search(_text(m.get("content")))), default=None)
    if last_user is None:
        return None, None
    results = [_text(m.get("content")) for m in messages[last_user + 1:]
               if isinstance(m, dict) and m.get("role") == "tool"]
    wanted = CALL.search(_text(messages[last_user].get("content"))).group(1).lower()
    offered = _names(tools)
    direct = _best(offered, wanted)
    if direct is not None or "tool_search" not in offered:
        if results:
            return None, results[-1]
        if direct is None:
            return None, f"(no tool named like {wanted!r} was offered)"
        return (direct, {}), None
    if not results:
        return ("tool_search", {"query": f"+{wanted}"}), None
    if len(results) == 1:
        found = re.search(r'"name"\s*:\s*"([^"]*' + re.escape(wanted) + r'[^"]*)"', results[0], re.IGNORECASE)
        if found is None:
            return None, f"(tool_search found nothing like {wanted!r})"
        return ("tool_call", {"name": found.group(1), "arguments": {}}), None
    return None, results[-1]


class SandboxLLM(CustomLLM):
    def _response(self, model: str, messages: list, model_response: ModelResponse, optional_params: dict):
        tool, result = tool_step(messages, optional_params.get("tools"))
        if tool is not None:
            name, arguments = tool
            model_response.choices[0].message.content = None  # type: ignore[union-attr]
            model_response.choices[0].message.tool_calls = [ChatCompletionMessageToolCall(  # type: ignore[union-attr]
                id=f"call_{int(time.time() * 1000)}", type="function",
                function=Function(name=name, arguments=json.dumps(arguments)))]
            model_response.choices[0].finish_reason = "tool_calls"
        else:
            model_response.choices[0].message.content = _answer(result)  # type: ignore[union-attr]
            model_response.choices[0].finish_reason = "stop"
        model_response.model = model
        model_response.created = int(time.time())
        model_response.usage = Usage(**_counts(messages, optional_params))  # type: ignore[attr-defined]
        return model_response

    def _chunks(self, messages: list, optional_params: dict):
        usage = _counts(messages, optional_params)
        tool, result = tool_step(messages, optional_params.get("tools"))
        if tool is not None:
            name, arguments = tool
            yield GenericStreamingChunk(text="", is_finished=True, finish_reason="tool_calls", usage=usage, index=0,
                                        tool_use={"id": f"call_{int(time.time() * 1000)}", "type": "function",
                                                  "function": {"name": name, "arguments": json.dumps(arguments)},
                                                  "index": 0})
            return
        words = _answer(result).split(" ")
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
