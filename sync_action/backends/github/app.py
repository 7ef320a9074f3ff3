"""A GitHub App's side of authentication: its private key, and one installation token per owner.

The requests themselves (finding an installation, minting a token) are `github.py`'s,
handed in as functions, so PyGithub stays in that one module; the app's JWT never
leaves the minting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sync_action.backends.github import answers
from sync_action.backends.github.errors import APP_PERMISSIONS, Failure, translate
from sync_action.backends.github.retry import rate_limit_wait
from sync_action.core.errors import Forbidden, NotFound, RemoteError, UsageError

TOKEN_REFRESH = timedelta(minutes=5)  # mint anew when an installation token has less left


def pem(private_key: str) -> str:
    """The app's key as PEM text, checked to be an unencrypted RSA private key.

    A key pasted with its line breaks escaped (`\\n`) is accepted, as many secret
    stores keep it that way. Messages never quote the key.
    """
    from cryptography.exceptions import UnsupportedAlgorithm  # only an app's run needs it
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    text = private_key.strip().replace("\r\n", "\n")
    if "\n" not in text and "\\n" in text:
        text = text.replace("\\n", "\n")
    hint = (
        "paste the whole .pem file GitHub generated for the app (Settings → Developer "
        "settings → GitHub Apps → Private keys), from -----BEGIN to -----END"
    )
    try:
        key = load_pem_private_key(text.encode(), password=None)
    except TypeError:
        raise UsageError(f"Input 'app-private-key' is encrypted; {hint}, unchanged") from None
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError(f"Input 'app-private-key' is not a PEM private key; {hint}") from None
    if not isinstance(key, RSAPrivateKey):
        raise UsageError(f"Input 'app-private-key' is not an RSA key; {hint}")
    return text + "\n"


class AppTokens:
    """One GitHub App's installation tokens: one per owner, minted once, shared by threads.

    A lock per owner makes peers of one owner, synced in parallel, wait for a single
    mint instead of each minting their own; owners do not wait for each other.
    """

    def __init__(
        self,
        app_id: str,
        find_installation: Callable[[str, str], int],
        mint: Callable[[int], tuple[str, datetime]],
    ):
        self.app_id = app_id
        self._find_installation = find_installation  # (owner, name) -> installation id
        self._mint_for = mint  # installation id -> (token, expiry); both raise Failure
        self._lock = threading.Lock()
        self._owner_locks: dict[str, threading.Lock] = {}
        self._installations: dict[str, int] = {}
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def token(self, repo: str) -> str:
        """The installation token for `repo`'s owner, minted when missing or nearly expired."""
        owner = repo.split("/")[0].lower()
        with self._lock:
            lock = self._owner_locks.setdefault(owner, threading.Lock())
        with lock:
            held = self._tokens.get(owner)
            if held is None or held[1] - datetime.now(UTC) < TOKEN_REFRESH:
                held = self._tokens[owner] = self._mint(repo)
            return held[0]

    def current(self, repo: str) -> str:
        """The token already held for `repo`'s owner, or ""; never mints."""
        return self._tokens.get(repo.split("/")[0].lower(), ("", None))[0]

    def _mint(self, repo: str) -> tuple[str, datetime]:
        """Two requests the first time for an owner (find the installation, mint), then one."""
        owner, name = repo.split("/", 1)
        installation = self._installations.get(owner.lower())
        if installation is None:
            try:
                installation = self._find_installation(owner, name)
            except Failure as failure:
                action = "looking up the GitHub App's installation"
                raise self._refused(failure, action, owner, repo) from None
            self._installations[owner.lower()] = installation
        try:
            token, expires = self._mint_for(installation)
        except Failure as failure:
            action = f"minting the GitHub App's installation token for {owner}"
            raise self._refused(failure, action, owner, repo) from None
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return token, expires

    def _refused(self, failure: Failure, action: str, owner: str, repo: str) -> RemoteError:
        """Say which part of the app's setup to fix; a key GitHub refuses is a remote error."""
        status, said = failure.status, failure.message
        limited = rate_limit_wait(failure.headers) is not None
        limited = limited or answers.RATE_LIMIT in said.lower()
        app, where = f"GitHub App {self.app_id}", f"{action} for {repo}"
        if status == 401:
            text = (
                f"{where}: GitHub refused the {app}'s JWT (401 {said}). Check that "
                "app-id is that app's id and app-private-key one of its current private "
                "keys (a deleted key, or the key of another app, is refused)"
            )
            if answers.JWT_CLAIM in said:
                text += "; the runner's clock may also be off"
            return Forbidden(text, status=status)
        if status == 404:
            return NotFound(
                f"{where}: the {app} is not installed on {owner}, or its installation "
                f"cannot see {repo} (404 {said}). Install the app on {owner} (the app's "
                f"page → Install App) for all repositories or at least {repo}, and check "
                f"that {repo} exists. {APP_PERMISSIONS}",
                status=status,
            )
        if status == 403 and not limited:
            return Forbidden(
                f"{where}: GitHub refused an installation token for {owner} (403 {said}); "
                f"the installation may be suspended. {APP_PERMISSIONS}",
                status=status,
            )
        return translate(failure, action, repo, "", app=True)
