"""Channels that carry a notification outside Anze: email, DingTalk and WeCom group robots.

The in-app inbox is the Notification row itself. Each channel sends one Delivery and returns the remote
answer as text, or raises ChannelError; the dispatcher records either and retries with backoff.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from anze.supervision.channels.base import ChannelError

if TYPE_CHECKING:
    from anze.supervision.models import Delivery

__all__ = ["ChannelError", "send"]


def send(delivery: Delivery, *, now: dt.datetime) -> str:
    """Send one delivery through its endpoint's channel; the remote answer, or ChannelError."""
    from anze.supervision.channels import dingtalk, email, wecom
    from anze.supervision.choices import Channel

    senders = {Channel.EMAIL: email.send, Channel.DINGTALK: dingtalk.send, Channel.WECOM: wecom.send}
    sender = senders.get(delivery.channel)
    if sender is None:
        raise ChannelError(f"no sender for channel {delivery.channel!r}")
    return sender(delivery.endpoint, delivery.notification, now=now)
