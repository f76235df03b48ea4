"""Checking a signed callback, as the server signs it (src/net/webhook.h, src/engine/callback_outbox.h).

With YIVIDEO_CALLBACK_SECRET set, every callback POST carries `X-YiVideo-Signature: sha256=<hex HMAC-SHA256 of
the raw body under the secret>`, and its body a `"delivery": {"callback_id", "attempt", "sent_at"}` stamp
(whole unix seconds) that the signature covers. A valid signature proves the server sent the body; a recent
`sent_at` that it was sent now, not replayed later. Retries are signed afresh with a new `sent_at`, so a
receiver that also remembers the (callback_id, attempt) pairs it has accepted refuses every replay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Mapping, Optional, Union

from .errors import SignatureError

SIGNATURE_HEADER = "X-YiVideo-Signature"


def verify_callback(body: Union[bytes, str], headers: Mapping[str, str], secret: Union[bytes, str], *,
                    tolerance: float = 300, now: Optional[float] = None) -> Dict[str, Any]:
    """The callback's payload once `body` (exactly as received) is shown to be signed under `secret` and sent
    at most `tolerance` seconds from `now` (default: the clock); else raises SignatureError."""
    raw = body.encode() if isinstance(body, str) else body
    key = secret.encode() if isinstance(secret, str) else secret
    given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), None)
    if given is None:
        raise SignatureError(f"no {SIGNATURE_HEADER} header: the callback is unsigned")
    expected = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise SignatureError("signature mismatch: another secret, or the body was altered")
    payload: Dict[str, Any] = json.loads(raw)
    delivery = payload.get("delivery") if isinstance(payload, dict) else None
    sent_at = delivery.get("sent_at") if isinstance(delivery, dict) else None
    if not isinstance(sent_at, (int, float)):
        raise SignatureError("no delivery.sent_at in the body: cannot tell a replay")
    age = (time.time() if now is None else now) - sent_at
    if abs(age) > tolerance:
        raise SignatureError(f"sent {age:.0f} s from now, outside the {tolerance:.0f} s window: a replay?")
    return payload
