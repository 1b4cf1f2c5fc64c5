"""Gemini's own API on the sandbox gateway: `POST /v1beta/models/{model}:generateContent` and
`:streamGenerateContent` (`?alt=sse`), what Gemini CLI calls with `GOOGLE_GEMINI_BASE_URL`.

LiteLLM's proxy serves these paths only for Google models, not for the sandbox's custom mock provider,
so this router (mounted ahead of LiteLLM's) turns the request into a chat completion for the same mock,
and its answer (text or a function call) back into Gemini's shape. Callers are judged like every other
gateway route: the IdP's JWT, from `x-goog-api-key` or `Authorization`; served requests are recorded.
"""

from __future__ import annotations

import json
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from tokens import InvalidToken, Verifier
from usage_store import Store


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message, "status": code}}, status_code=status)


def messages_of(body: dict) -> list[dict]:
    """Gemini `contents` (and `systemInstruction`) as OpenAI chat messages, function calls and results included."""
    out: list[dict] = []
    system = body.get("systemInstruction") or {}
    text = " ".join(p.get("text", "") for p in system.get("parts") or [] if isinstance(p, dict))
    if text:
        out.append({"role": "system", "content": text})
    for content in body.get("contents") or []:
        role = "assistant" if content.get("role") == "model" else "user"
        texts, calls = [], []
        for part in content.get("parts") or []:
            if "text" in part:
                texts.append(part["text"])
            elif "functionCall" in part:
                call = part["functionCall"]
                arguments = json.dumps(call.get("args") or {})
                calls.append({"id": call.get("id") or f"call_{len(out)}_{len(calls)}", "type": "function",
                              "function": {"name": call.get("name", ""), "arguments": arguments}})
            elif "functionResponse" in part:
                answer = part["functionResponse"]
                out.append({"role": "tool", "tool_call_id": answer.get("id") or answer.get("name", ""),
                            "content": json.dumps(answer.get("response"))})
        if calls:
            out.append({"role": "assistant", "content": " ".join(texts) or None, "tool_calls": calls})
        elif texts:
            out.append({"role": role, "content": " ".join(texts)})
    return out


def tools_of(body: dict) -> list[dict]:
    return [{"type": "function", "function": {"name": decl.get("name", ""), "parameters": decl.get("parameters") or {}}}
            for tool in body.get("tools") or [] for decl in tool.get("functionDeclarations") or []]


def gemini_response(result, model: str) -> dict:
    message = result.choices[0].message
    parts = [{"functionCall": {"name": call.function.name, "args": json.loads(call.function.arguments or "{}")}}
             for call in message.tool_calls or []] or [{"text": message.content or ""}]
    usage = result.usage
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": usage.prompt_tokens, "candidatesTokenCount": usage.completion_tokens,
                              "totalTokenCount": usage.total_tokens},
            "modelVersion": model}


def router(verifier: Verifier, store: Store) -> APIRouter:
    api = APIRouter()

    @api.post("/v1beta/models/{target}")
    async def generate(target: str, request: Request):
        model, _, method = target.partition(":")
        if method not in ("generateContent", "streamGenerateContent"):
            return _error(404, "NOT_FOUND", f"unknown method {method!r}")
        token = request.headers.get("x-goog-api-key") or request.headers.get("authorization")
        try:
            claims = verifier.verify(token)
        except InvalidToken as e:
            return _error(401, "UNAUTHENTICATED", f"Authentication Error: invalid token ({e}); run `aistack login`.")
        import litellm

        body = await request.json()
        tools = tools_of(body)
        result = await litellm.acompletion(model=f"sandbox/{model}", messages=messages_of(body),
                                           **({"tools": tools} if tools else {}))
        store.record(ts=time.time(), user=claims["sub"], email=claims.get("email"), model=model,
                     input_tokens=result.usage.prompt_tokens, output_tokens=result.usage.completion_tokens,
                     cache_read_tokens=0, cache_write_tokens=0, cost_usd=None)
        answer = gemini_response(result, model)
        if method == "generateContent":
            return JSONResponse(answer)

        async def events():
            yield f"data: {json.dumps(answer)}\r\n\r\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    return api
