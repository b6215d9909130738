"""WeCom (企业微信) group robot: markdown messages POSTed to the robot's webhook key URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from anze.supervision.channels.base import post_json


def payload(text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send(endpoint: Any, message: Any, *, now: dt.datetime) -> str:
    return post_json(endpoint.target, payload(message.markdown))
