"""Login throttling with counters in the database, per account and per client address.

Every attempt is counted *before* the password is checked, in a short transaction of its
own that locks the counter row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's single
writer lock does the same). Attempts sent at the same moment are therefore all counted,
and at most one of them can slip past the limit: there is no check-then-act gap.

After ``free_failures`` failures the key backs off: the next attempt is refused for
``base_s · 2^(failures − free_failures)`` seconds, capped at ``max_backoff_s``. Refused attempts
do not count, so an attacker cannot push the wait up without end: the account back-off is
capped at one minute (anyone can still make a clinician wait, but never lock them out),
the address back-off at 15 minutes. A successful login clears the account's counter, not
the address's (an attacker must not reset it by logging in to an account of their own).
Counters forget failures older than ``window_s``.

The ``limits`` library would count in memory or Redis; a hospital install has one
database and possibly several worker processes, so the counters live in that database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drgstim.storage.models import LoginAttempts
from drgstim.storage.types import utc_now

__all__ = ["ACCOUNT_POLICY", "ADDRESS_POLICY", "BackoffPolicy", "LoginThrottle", "ThrottledError"]


@dataclass(frozen=True)
class BackoffPolicy:
    """How many failures are free, and how the wait grows after them."""

    free_failures: int
    base_s: float
    max_backoff_s: float
    window_s: float = 3600.0

    def backoff_s(self, failures: int) -> float:
        extra = failures - self.free_failures
        if extra < 0:
            return 0.0
        return float(min(self.max_backoff_s, self.base_s * 2 ** min(extra, 30)))


# OWASP's Authentication Cheat Sheet asks for throttling with growing delays rather than
# a hard lockout; 5 free tries per account is its usual example.
ACCOUNT_POLICY = BackoffPolicy(free_failures=5, base_s=10.0, max_backoff_s=60.0)
ADDRESS_POLICY = BackoffPolicy(free_failures=20, base_s=10.0, max_backoff_s=900.0)


class ThrottledError(RuntimeError):
    """Logins for this account or address are paused for ``retry_after_s``."""

    def __init__(self, what: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many failed logins for this {what}; try again in {retry_after_s} s")


def _row(db: Session, key: str) -> LoginAttempts:
    query = select(LoginAttempts).where(LoginAttempts.key == key).with_for_update()
    row = db.scalar(query)
    if row is not None:
        return row
    try:
        with db.begin_nested():
            db.add(LoginAttempts(key=key, failures=0))
    except IntegrityError:
        pass  # another attempt created it first
    row = db.scalar(query.execution_options(populate_existing=True))
    assert row is not None
    return row


class LoginThrottle:
    """Counts login attempts for (account, address) pairs against their policies."""

    def __init__(
        self,
        account: BackoffPolicy = ACCOUNT_POLICY,
        address: BackoffPolicy = ADDRESS_POLICY,
    ) -> None:
        self.policies = {"account": account, "address": address}

    @staticmethod
    def keys(username: str, address: str) -> dict[str, str]:
        return {"account": f"account:{username.lower()[:64]}", "address": f"address:{address}"}

    def reserve(self, db: Session, username: str, address: str) -> None:
        """Count this attempt as a failure up front; :class:`ThrottledError` while paused.

        Commits, so the count holds whatever happens to the attempt afterwards."""
        now = utc_now()
        try:
            rows = {what: _row(db, key) for what, key in self.keys(username, address).items()}
            for what, row in rows.items():
                if row.blocked_until is not None and row.blocked_until > now:
                    wait = (row.blocked_until - now).total_seconds()
                    raise ThrottledError(what, max(1, int(wait + 0.999)))
            for what, row in rows.items():
                self._count(row, self.policies[what], now)
            db.commit()
        except BaseException:
            db.rollback()
            raise

    @staticmethod
    def _count(row: LoginAttempts, policy: BackoffPolicy, now: datetime) -> None:
        window = timedelta(seconds=policy.window_s)
        if row.first_failure_at is None or now - row.first_failure_at > window:
            row.failures = 0
            row.first_failure_at = now
        row.failures += 1
        wait_s = policy.backoff_s(row.failures)
        row.blocked_until = now + timedelta(seconds=wait_s) if wait_s else None

    def succeeded(self, db: Session, username: str, address: str) -> None:
        """The password was right: forget the account's failures (this one included) and
        take this attempt off the address's count."""
        keys = self.keys(username, address)
        account = db.get(LoginAttempts, keys["account"], with_for_update=True)
        if account is not None:
            db.delete(account)
        address_row = db.get(LoginAttempts, keys["address"], with_for_update=True)
        if address_row is not None and address_row.failures > 0:
            address_row.failures -= 1
            wait_s = self.policies["address"].backoff_s(address_row.failures)
            if not wait_s:
                address_row.blocked_until = None
