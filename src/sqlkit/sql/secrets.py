"""Credentials written into SQL text: where they are and what they are, never their value."""

from __future__ import annotations

import base64
import json
import re

# One pass over a statement's text; each alternative is a credential format with a
# recognisable shape. Placeholders (`YOUR_ANON_KEY`, `<SUPABASE_KEY>`) match none of them.
_CREDENTIALS = re.compile(
    r"(?P<jwt>\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"|(?P<bearer>\bBearer[ \t]+(?P<token>[A-Za-z0-9._~+/-]{20,}=*))"
    r"|(?P<url>\bpostgres(?:ql)?://[^\s:/@'\"]+:(?P<password>[^\s@'\"/]+)@)"
    r"|(?P<stripe>\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,})"
    r"|(?P<aws>\bAKIA[0-9A-Z]{16}\b)"
    r"|(?P<github>\bgh[pousr]_[A-Za-z0-9]{30,})"
    r"|(?P<slack>\bxox[baprs]-[A-Za-z0-9-]{10,})"
    r"|(?P<supabase>\bsb_secret_[A-Za-z0-9_-]{10,})"
)
# cheap test before the real one: every alternative starts with one of these
HINT = re.compile(r"eyJ|Bearer|postgres(?:ql)?://|sk_|rk_|AKIA|gh[pousr]_|xox|sb_secret_")
_PLACEHOLDER_PASSWORD = re.compile(r"^[\[<{$]|^(password|passwd|pass|secret|\*+|x+)$", re.I)
_NAMES = {
    "bearer": "a bearer token",
    "url": "a Postgres connection URL with a password",
    "stripe": "a Stripe secret key",
    "aws": "an AWS access key id",
    "github": "a GitHub token",
    "slack": "a Slack token",
    "supabase": "a Supabase secret key",
}


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what it is) of every credential in `text`."""
    if not HINT.search(text):
        return []
    found: list[tuple[int, int, str]] = []
    for match in _CREDENTIALS.finditer(text):
        if match.group("jwt"):
            found.append((match.start(), match.end(), _describe_jwt(match.group("jwt"))))
            continue
        if match.group("bearer"):
            token = match.group("token")
            # a real token mixes letters and digits; `Bearer YOUR_SERVICE_KEY` does not
            if not (re.search(r"\d", token) and re.search(r"[A-Za-z]", token)):
                continue
            kind = "bearer"
        elif match.group("url"):
            if _PLACEHOLDER_PASSWORD.search(match.group("password")):
                continue
            kind = "url"
        else:
            kind = next(name for name in _NAMES if match.group(name))
        found.append((match.start(), match.end(), _NAMES[kind]))
    return found


def _describe_jwt(token: str) -> str:
    """`a JWT (role service_role)` when the payload says which role it carries."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, IndexError):
        return "a JWT"
    role = data.get("role") if isinstance(data, dict) else None
    return f"a JWT (role {role})" if isinstance(role, str) and role.isidentifier() else "a JWT"
