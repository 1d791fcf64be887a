"""`GET /api/docs`: the OpenAPI schema as a plain HTML page, drawn on the server.

Self-contained on purpose: the usual Swagger UI page loads its scripts from a CDN, which a
server without internet access (or its users) may not reach. Every value is escaped.
"""

from __future__ import annotations

import html
import json

_STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1f2328}
h2{margin-top:2em;border-bottom:1px solid #ddd}code,pre{font:13px ui-monospace,monospace;background:#f6f8fa}
pre{padding:.6em;overflow:auto}.op{margin:1.2em 0;padding:.6em 1em;border:1px solid #ddd;border-radius:6px}
.m{display:inline-block;min-width:4.5em;font-weight:600}table{border-collapse:collapse}td,th{padding:2px 8px;
border-bottom:1px solid #eee;text-align:left;vertical-align:top}"""


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def _schema(s: dict) -> str:
    if "$ref" in s:
        return _e(s["$ref"].rsplit("/", 1)[-1])
    if "anyOf" in s:
        return " | ".join(_schema(x) for x in s["anyOf"])
    if s.get("type") == "array":
        return f"list[{_schema(s.get('items', {}))}]"
    return _e(s.get("type", "any"))


def render(spec: dict) -> str:
    info = spec.get("info", {})
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(info.get('title'))}</title>"
           f"<style>{_STYLE}</style></head><body>",
           f"<h1>{_e(info.get('title'))} <small>{_e(info.get('version'))}</small></h1>",
           f"<p>{_e(info.get('description'))}</p>",
           "<p>Machine-readable: <a href='/api/openapi.json'><code>/api/openapi.json</code></a>. "
           "Field-by-field reference: docs/API.md in the project.</p>"]
    groups: dict[str, list] = {}
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            groups.setdefault((op.get("tags") or ["Other"])[0], []).append((path, method, op))
    for tag, ops in groups.items():
        out.append(f"<h2>{_e(tag)}</h2>")
        for path, method, op in ops:
            out.append(f"<div class='op'><span class='m'>{_e(method.upper())}</span><code>{_e(path)}</code>"
                       f" — {_e(op.get('summary'))}")
            if op.get("description"):
                out.append(f"<p>{_e(op['description'])}</p>")
            params = op.get("parameters") or []
            if params:
                out.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>")
                for p in params:
                    required = "yes" if p.get("required") else ""
                    out.append(f"<tr><td><code>{_e(p.get('name'))}</code></td><td>{_e(p.get('in'))}</td>"
                               f"<td>{_schema(p.get('schema', {}))}</td><td>{required}</td></tr>")
                out.append("</table>")
            for ctype, media in (op.get("requestBody") or {}).get("content", {}).items():
                out.append(f"<p>Body ({_e(ctype)}): <code>{_schema(media.get('schema', {}))}</code></p>")
            out.append("</div>")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        out.append("<h2>Schemas</h2>")
        for name, s in schemas.items():
            out.append(f"<h3>{_e(name)}</h3><pre>{_e(json.dumps(s, indent=2, ensure_ascii=False))}</pre>")
    out.append("</body></html>")
    return "\n".join(out)
