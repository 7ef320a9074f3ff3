"""GitHub App authentication as GitHub checks it: an RS256 JWT signed with the app's key.

The JWT only reaches the app endpoints (`/app/...`, `/repos/{o}/{r}/installation`);
what it buys there is a short-lived installation token, the thing that works on
repositories. The messages are the ones GitHub answers with 401, so client code
meets the same texts here as in production.
"""

from __future__ import annotations

import time

import jwt

from .rest import HttpError
from .state import App, Store

UNDECODABLE = "A JSON web token could not be decoded"
EXPIRED = (
    "'Expiration time' claim ('exp') must be a numeric value representing the future time "
    "at which the assertion expires"
)
TOO_LONG = "'Expiration time' claim ('exp') is too far in the future"
BAD_IAT = (
    "'Issued at' claim ('iat') must be an Integer representing the time that the assertion "
    "was issued"
)
MAX_LIFETIME = 600  # a JWT may live ten minutes at most
CLOCK_SKEW = 60  # what GitHub tolerates of a client's clock running ahead


def app_for(store: Store, authorization: str, now: float | None = None) -> App:
    """The app whose valid JWT is in the `Authorization` header, or the 401 GitHub answers."""
    now = time.time() if now is None else now
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if not scheme:
        raise HttpError(401, "Requires authentication")
    if scheme.lower() != "bearer" or not value:
        raise HttpError(401, UNDECODABLE)
    try:
        header = jwt.get_unverified_header(value)
        claims = jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise HttpError(401, UNDECODABLE) from None
    app = _issuer(store, claims.get("iss"))
    if app is None or header.get("alg") != "RS256":
        raise HttpError(401, UNDECODABLE)
    try:
        jwt.decode(
            value,
            app.public_key_pem,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_iss": False,
            },
        )
    except jwt.PyJWTError:  # signed with another key
        raise HttpError(401, UNDECODABLE) from None
    iat, exp = _integer(claims.get("iat")), _integer(claims.get("exp"))
    if iat is None or iat > now + CLOCK_SKEW:
        raise HttpError(401, BAD_IAT)
    if exp is None or exp <= now:
        raise HttpError(401, EXPIRED)
    if exp - iat > MAX_LIFETIME or exp > now + MAX_LIFETIME + CLOCK_SKEW:
        raise HttpError(401, TOO_LONG)
    return app


def _issuer(store: Store, iss: object) -> App | None:
    """`iss` is the app id, as a number or a string of digits."""
    if isinstance(iss, bool):
        return None
    if isinstance(iss, str) and iss.isdigit():
        iss = int(iss)
    return store.apps.get(iss) if isinstance(iss, int) else None


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
