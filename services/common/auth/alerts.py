"""Warn a staff member by e-mail when their account sees repeated failed sign-ins.

The throttling (services.common.auth.ratelimit) never locks an account for everyone, so
guesses spread over many addresses are not refused: their owner is told instead, at most once
per `AUTH_LOGIN_ALERT_INTERVAL_SECONDS`, through the outbox of the service that saw the
failures. The text is fixed: nothing a stranger typed goes into it.
"""

from __future__ import annotations

import logging

from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session

from services.common.auth.models import StaffAccount
from services.common.mail import MailSettings, enqueue_mail
from services.common.rate_limits import RateLimiter
from services.common.settings import AuthSettings, Rule

logger = logging.getLogger(__name__)

SUBJECT = "Tentatives de connexion échouées sur votre compte"
BUCKET = "login_alert"


def alert_text(*, failures: int, minutes: int, mail: MailSettings) -> str:
    return (
        "Bonjour,\n\n"
        f"Votre compte a connu {failures} tentatives de connexion échouées en moins de "
        f"{minutes} minutes, depuis une ou plusieurs adresses.\n\n"
        "Si c'était vous, rien à faire. Sinon, quelqu'un essaie peut-être de deviner votre mot "
        "de passe : il n'est pas bloqué pour vous, vous pouvez toujours vous connecter. "
        "Choisissez un mot de passe long et unique, et prévenez un administrateur.\n\n"
        f"Connexion : {mail.link('/connexion.html')}\n\n"
        "Ce message part au plus une fois par jour et par compte.\n\n"
        "Les intelligences associées des territoires"
    )


class SignInAlerts:
    """One per app: puts the warning in the service's outbox, once per interval."""

    def __init__(
        self,
        *,
        engine: Engine,
        outbox: Table,
        mail: MailSettings,
        auth: AuthSettings,
        limiter: RateLimiter,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.mail = mail
        self.auth = auth
        self.limiter = limiter

    def repeated_failures(self, account: StaffAccount, failures: int) -> None:
        """Called after each failure with the account's count in the window."""
        if failures < self.auth.login_alert_failures:
            return
        once = Rule(max_hits=1, window_seconds=self.auth.login_alert_interval_seconds)
        if self.limiter.admit(BUCKET, account.email, once) is not None:
            return  # already warned in this interval
        with Session(self.engine) as session:
            enqueue_mail(
                session,
                self.outbox,
                self.mail,
                to=[account.email],
                subject=SUBJECT,
                text=alert_text(
                    failures=failures,
                    minutes=max(1, self.auth.login_window_seconds // 60),
                    mail=self.mail,
                ),
                kind="sign-in-alert",
                reference=f"staff:{account.id}",
            )
            session.commit()
        logger.warning("repeated failed sign-ins on staff:%s, owner warned", account.id)
