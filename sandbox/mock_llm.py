"""The sandbox gateway's model: a LiteLLM custom provider that answers every model name with a fixed text.

LiteLLM's own `mock_response` reports fixed usage (10/20 tokens on chat, 2095/503 on /v1/messages)
whatever was sent; this provider counts instead (about 4 characters a token, the usual estimate),
so that usage reports show numbers that move with the prompt. LiteLLM's adapters turn its answers
into the Anthropic Messages API (streamed or not), OpenAI chat completions and responses.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from litellm import CustomLLM, ModelResponse
from litellm.types.utils import GenericStreamingChunk, Usage

ANSWER = os.environ.get("SANDBOX_ANSWER", "Hello from the aistack sandbox gateway.")


def estimate_tokens(value: Any) -> int:
    """About four characters a token, over every string in the messages (text, tool results, ...)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return max(1, round(len(text) / 4))


def _usage(messages: list, optional_params: dict) -> Usage:
    prompt = estimate_tokens(messages) + estimate_tokens(optional_params.get("tools") or "")
    completion = estimate_tokens(ANSWER)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


class SandboxLLM(CustomLLM):
    def _response(self, model: str, messages: list, model_response: ModelResponse, optional_params: dict):
        model_response.choices[0].message.content = ANSWER  # type: ignore[union-attr]
        model_response.choices[0].finish_reason = "stop"
        model_response.model = model
        model_response.created = int(time.time())
        model_response.usage = _usage(messages, optional_params)  # type: ignore[attr-defined]
        return model_response

    def _chunks(self, messages: list, optional_params: dict):
        usage = _usage(messages, optional_params)
        words = ANSWER.split(" ")
        for i, word in enumerate(words):
            last = i == len(words) - 1
            yield GenericStreamingChunk(
                text=word if i == 0 else " " + word,
                tool_use=None,
                is_finished=last,
                finish_reason="stop" if last else "",
                usage={"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                       "total_tokens": usage.total_tokens} if last else None,
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
