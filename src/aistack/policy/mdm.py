"""MDM payloads from the managed documents: one macOS configuration profile (.mobileconfig) and Windows .reg files,
for the assistants that read a preference domain or a policy registry key (each adapter names its own: MDM)."""

from __future__ import annotations

import base64
import json
import plistlib
import uuid
from typing import Any

from aistack.policy.documents import Managed
from aistack.profile import Profile

REG_HEADER = "Windows Registry Editor Version 5.00"
NAMESPACE = uuid.UUID("5f1d7a4e-2b7c-4bd6-9a57-9d1c6c0b7a11")  # aistack's: the same profile gives the same UUIDs


def payload_content(item: Managed) -> dict[str, Any] | None:
    """The keys one assistant's preference domain holds for this managed document (None: none on macOS)."""
    how = item.adapter.MDM.get(item.file.key)
    if how is None or "domain" not in how:
        return None
    if how.get("key"):  # the whole file as one base64 value (Codex's requirements_toml_base64)
        return {how["key"]: base64.b64encode(item.text().encode()).decode()}
    return dict(item.doc)  # the document's keys at the top of the domain (Claude Code)


def mobileconfig(profile: Profile, items: list[Managed]) -> bytes | None:
    payloads = []
    for item in items:
        content = payload_content(item)
        if content is None:
            continue
        domain = item.adapter.MDM[item.file.key]["domain"]
        ident = f"{_org_id(profile)}.aistack.{domain}"
        payloads.append({
            "PayloadType": domain, "PayloadVersion": 1, "PayloadIdentifier": ident,
            "PayloadUUID": str(uuid.uuid5(NAMESPACE, ident + json.dumps(content, sort_keys=True))).upper(),
            "PayloadDisplayName": f"{item.adapter.TITLE} ({profile.org_name})", **content,
        })
    if not payloads:
        return None
    ident = f"{_org_id(profile)}.aistack.policy"
    top = {
        "PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": ident,
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, ident + "".join(p["PayloadUUID"] for p in payloads))).upper(),
        "PayloadDisplayName": f"{profile.org_name}: AI assistants policy (aistack)",
        "PayloadDescription": "Managed settings for the AI coding assistants, rendered by `aistack policy render`.",
        "PayloadScope": "System", "PayloadContent": payloads,
    }
    return plistlib.dumps(top, fmt=plistlib.FMT_XML, sort_keys=False)


def reg_files(items: list[Managed]) -> dict[str, bytes]:
    """File name -> a .reg file as regedit writes it (UTF-16LE with a BOM, CRLF), one per assistant with a key."""
    out = {}
    for item in items:
        how = item.adapter.MDM.get(item.file.key)
        if how is None or "registry" not in how:
            continue
        key, value = how["registry"]
        text = json.dumps(item.doc, ensure_ascii=False, separators=(",", ":"))
        lines = [REG_HEADER, "", f"[{key}]", f'"{_reg_escape(value)}"="{_reg_escape(text)}"', ""]
        out[f"{item.adapter.NAME}-{item.file.key}.reg"] = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")
    return out


def _reg_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _org_id(profile: Profile) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in profile.org_name.lower()).strip("-") or "org"
    return f"com.{slug}"
