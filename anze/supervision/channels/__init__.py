"""Channels that carry a notification outside Anze: email, DingTalk and WeCom group robots.

The in-app inbox is the Notification row itself. Each channel sends one message (anze.supervision.messages)
to one endpoint and returns the remote answer as text, or raises ChannelError (ChannelThrottled when the
platform asks us to slow down); the dispatcher records either and retries with backoff.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from anze.supervision.channels.base import ChannelError, ChannelThrottled

if TYPE_CHECKING:
    from anze.supervision.messages import Message

__all__ = ["ChannelError", "ChannelThrottled", "send"]


def send(endpoint: Any, message: Message, *, now: dt.datetime) -> str:
    """Send one message through the endpoint's channel; the remote answer, or ChannelError."""
    from anze.supervision.channels import dingtalk, email, wecom
    from anze.supervision.choices import Channel

    senders = {Channel.EMAIL: email.send, Channel.DINGTALK: dingtalk.send, Channel.WECOM: wecom.send}
    sender = senders.get(endpoint.channel)
    if sender is None:
        raise ChannelError(f"no sender for channel {endpoint.channel!r}")
    return sender(endpoint, message, now=now)
