"""Email through Django's configured mailer (ANZE_EMAIL_*); an unconfigured mailer is a failed delivery."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

from django.core.mail import EmailMessage

from anze.core.mail import MailNotConfiguredError
from anze.supervision.channels.base import ChannelError


def send(endpoint: Any, message: Any, *, now: dt.datetime) -> str:
    email = EmailMessage(subject=str(message.title)[:150], body=message.text, to=[endpoint.target])
    try:
        sent = email.send(fail_silently=False)
    except MailNotConfiguredError as exc:
        raise ChannelError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"SMTP error: {exc}") from exc
    if not sent:
        raise ChannelError("the mailer sent nothing")
    return f"sent to {endpoint.target}"
