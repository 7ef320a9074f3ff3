"""When the token expires, as GitHub says, and the warning before it does.

GitHub sends `github-authentication-token-expiration` with every answer to a
personal access token that has an expiry, as `2026-01-31 23:00:00 UTC` or with a
numeric offset (`2026-01-31 23:00:00 +0200`); tokens without an expiry, GitHub
App and Actions tokens get no header, and then nothing is said.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync_action.core.errors import EXIT_DRIFT, EXIT_OK
from sync_action.core.hosting import Hosting
from sync_action.core.runner import Runner
from sync_action.core.times import iso
from sync_action.core.vocabulary import FailOn
from sync_action.settings.config import Config


def parse(header: str | None) -> datetime | None:
    """The header's moment in UTC; None when absent or not in either of GitHub's forms."""
    text = (header or "").strip()
    if not text:
        return None
    if text.upper().endswith(" UTC"):
        text = text[:-4] + " +0000"
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z").astimezone(UTC)
    except ValueError:
        return None


def warn_if_expiring(
    cfg: Config, host: Hosting, runner: Runner, now: datetime | None = None
) -> tuple[str, int]:
    """The `token-expires-at` output and the exit code: a warning within the window,
    an error when `fail-on` names `token-expiring`."""
    expires = parse(host.token_expiration())
    if expires is None:
        return "", EXIT_OK
    now = now or datetime.now(UTC)
    left = expires - now
    if left > timedelta(days=cfg.token_expiry_days):
        return iso(expires) or "", EXIT_OK
    when = f"{expires:%Y-%m-%d %H:%M} UTC"
    if left.total_seconds() <= 0:
        text = f"The token expired on {when}; replace it"
    else:
        days = left.total_seconds() / 86400
        text = f"The token expires on {when}, in {_days(days)}; renew it before then"
    text += " (the secret given as `token`; GitHub → Settings → Developer settings → tokens)"
    if cfg.fail_on is not None and cfg.fails(FailOn.TOKEN_EXPIRING):
        runner.error(text, title="Token expiring")
        return iso(expires) or "", EXIT_DRIFT
    runner.warning(text, title="Token expiring")
    return iso(expires) or "", EXIT_OK


def _days(days: float) -> str:
    if days < 1:
        return f"{max(round(days * 24), 1)} hours"
    whole = round(days)
    return "1 day" if whole == 1 else f"{whole} days"
