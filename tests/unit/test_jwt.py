"""Access-token verification rejects every forgery the edge can meet."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from apps.auth.config import AuthSettings
from apps.auth.tokens import TokenIssuer
from kernel.auth import TokenVerifier
from kernel.errors import Unauthorized
from kernel.jwt_keys import SigningKey

ISSUER, AUDIENCE = "marketplace-auth", "marketplace"


@pytest.fixture(scope="module")
def issuer() -> TokenIssuer:
    return TokenIssuer(SigningKey.generate(), AuthSettings(jwt_issuer=ISSUER, jwt_audience=AUDIENCE))


def verifier_for(issuer: TokenIssuer) -> TokenVerifier:
    async def load() -> dict:
        return issuer.jwks()

    return TokenVerifier(load, issuer=ISSUER, audience=AUDIENCE)


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


async def test_valid_token_yields_user_with_roles_and_vendor(issuer):
    token = issuer.access_token(user_id="u1", roles=["vendor_admin"], vendor_id="v9")
    user = await verifier_for(issuer).verify(token)
    assert (user.id, user.roles, user.vendor_id) == ("u1", ("vendor_admin",), "v9")


async def test_expired_token_rejected(issuer):
    token = issuer.access_token(user_id="u1", roles=["customer"], vendor_id=None,
                                now=datetime.now(timezone.utc) - timedelta(hours=1))
    with pytest.raises(Unauthorized, match="expired"):
        await verifier_for(issuer).verify(token)


async def test_token_signed_by_another_key_with_same_kid_rejected(issuer):
    forger = TokenIssuer(SigningKey.generate(), issuer.settings)
    claims = jwt.decode(issuer.access_token(user_id="u1", roles=["super_admin"], vendor_id=None),
                        options={"verify_signature": False})
    forged = jwt.encode(claims, forger.key.private_pem, algorithm="RS256", headers={"kid": issuer.key.kid})
    with pytest.raises(Unauthorized):
        await verifier_for(issuer).verify(forged)


async def test_alg_none_rejected(issuer):
    now = int(datetime.now(timezone.utc).timestamp())
    claims = {"sub": "u1", "roles": ["super_admin"], "iss": ISSUER, "aud": AUDIENCE, "iat": now,
              "exp": now + 600, "typ": "access"}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': issuer.key.kid})}.{_b64(claims)}."
    with pytest.raises(Unauthorized, match="algorithm"):
        await verifier_for(issuer).verify(unsigned)


async def test_hs256_with_public_key_as_secret_rejected(issuer):
    """The classic key-confusion attack: sign HS256 using the published RSA public key as the HMAC secret."""
    now = int(datetime.now(timezone.utc).timestamp())
    claims = {"sub": "u1", "roles": ["super_admin"], "iss": ISSUER, "aud": AUDIENCE, "iat": now,
              "exp": now + 600, "typ": "access"}
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": issuer.key.kid})
    import hashlib
    import hmac

    payload = f"{header}.{_b64(claims)}"
    sig = hmac.new(json.dumps(issuer.jwks()).encode(), payload.encode(), hashlib.sha256).digest()
    token = f"{payload}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"
    with pytest.raises(Unauthorized, match="algorithm"):
        await verifier_for(issuer).verify(token)


async def test_wrong_audience_rejected(issuer):
    other = TokenIssuer(issuer.key, AuthSettings(jwt_issuer=ISSUER, jwt_audience="another-app"))
    token = other.access_token(user_id="u1", roles=["customer"], vendor_id=None)
    with pytest.raises(Unauthorized, match="(?i)audience"):
        await verifier_for(issuer).verify(token)


async def test_wrong_issuer_rejected(issuer):
    other = TokenIssuer(issuer.key, AuthSettings(jwt_issuer="evil", jwt_audience=AUDIENCE))
    with pytest.raises(Unauthorized, match="(?i)issuer"):
        await verifier_for(issuer).verify(other.access_token(user_id="u1", roles=[], vendor_id=None))


async def test_garbage_and_tampered_payload_rejected(issuer):
    v = verifier_for(issuer)
    with pytest.raises(Unauthorized):
        await v.verify("not.a.jwt")
    head, body, sig = issuer.access_token(user_id="u1", roles=["customer"], vendor_id=None).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["roles"] = ["super_admin"]
    with pytest.raises(Unauthorized):
        await v.verify(f"{head}.{_b64(claims)}.{sig}")


def _kid_of_key_at(path: str, start, out) -> None:  # a child process: wait for the gun, then load or create
    from pathlib import Path

    start.wait()
    out.put(SigningKey.load_or_create(Path(path)).kid)


def test_processes_starting_together_on_a_fresh_stack_share_one_signing_key(tmp_path):
    """`mkt serve --workers N` forks its processes at once: each must end up signing with the key on disk, or a
    token issued by one is refused by the others as signed with an unknown key."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    path = tmp_path / "keys" / "jwt.pem"
    procs = [ctx.Process(target=_kid_of_key_at, args=(str(path), start, out)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    kids = {out.get(timeout=60) for _ in procs}
    for p in procs:
        p.join(timeout=30)
    assert kids == {SigningKey(path.read_bytes()).kid}
    assert [f.name for f in path.parent.iterdir()] == ["jwt.pem"]  # no temporary file left behind


async def test_a_verified_token_is_checked_once_and_still_expires(issuer, monkeypatch):
    v = verifier_for(issuer)
    token = issuer.access_token(user_id="u1", roles=["customer"], vendor_id=None)
    first = await v.verify(token)
    decoded = []
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append(a) or {})  # a second RSA check would show
    assert await v.verify(token) == first and decoded == []
    # the token with its payload changed under the same signature is another string: fully checked, refused
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    monkeypatch.undo()
    with pytest.raises(Unauthorized):
        await v.verify(f"{head}.{_b64({**claims, 'roles': ['super_admin']})}.{sig}")
    # past its expiry the remembered token is refused like any expired one
    monkeypatch.setattr("kernel.auth.time.time", lambda: claims["exp"] + 1)
    with pytest.raises(Unauthorized, match="expired"):
        await v.verify(token)
