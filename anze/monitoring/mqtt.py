"""The MQTT door: a consumer of gateway messages with QoS 1 on a persistent session.

Each gateway publishes canonical messages (adapters.canonical) to `<prefix>/<统一社会信用代码>/<gateway>/readings`;
a vehicle platform publishes canonical positions (adapters.canonical_vehicles) to `…/<platform>/positions`.
The consumer subscribes with QoS 1 under a fixed client id on a persistent session (MQTT 5: clean start off,
a session that never expires), so the broker keeps what arrives while it is away. Acknowledgement is manual:
messages are taken in batches, stored in one transaction, and only after the commit is each PUBACK sent.
MQTT 5 lets the consumer say how many unacknowledged messages it takes at once (Receive Maximum): under
MQTT 3.1.1 Mosquitto sends at most 20 (`max_inflight_messages`), so a batch could never hold more than 20
messages and the broker waited for every commit before sending the next ones. If storing fails, nothing is acknowledged and
the consumer stops; the broker redelivers the batch to the next session. A malformed message or an unknown
point is not a failure: it is kept in the rejected table, counted, and acknowledged.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import urllib.parse
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anze.monitoring import ingest, pointcache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def broker_from_url(url: str) -> Broker:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"ANZE_MQTT_URL={url!r} 应形如 mqtt://127.0.0.1:1883")
    return Broker(parts.hostname, parts.port or 1883, parts.username, parts.password)


SESSION_NEVER_EXPIRES = 0xFFFFFFFF  # MQTT 5 Session Expiry Interval: kept until a clean start replaces it


def topic_filter(prefix: str) -> str:
    return f"{prefix}/+/+/readings"


def positions_filter(prefix: str) -> str:
    """Vehicle positions (adapters.canonical_vehicles) on `<prefix>/<统一社会信用代码>/<platform>/positions`."""
    return f"{prefix}/+/+/positions"


class Consumer:
    """Receives on paho's network thread, stores and acknowledges on the caller's thread."""

    def __init__(
        self,
        broker: Broker,
        *,
        prefix: str,
        client_id: str,
        batch_size: int = 500,
        linger: float = 0.05,
        receive_maximum: int | None = None,
    ) -> None:
        self.prefix = prefix
        self.batch_size = batch_size
        # Unacknowledged messages the broker may send: two batches, so the next one arrives while one is stored.
        self.receive_maximum = min(65535, receive_maximum or max(100, 2 * batch_size))
        self.linger = linger
        # Each message with the connection it came on: a PUBACK is sent only on that connection. After a
        # reconnection the broker sends the unacknowledged messages again (and may reuse their packet ids).
        self.inbox: queue.Queue[tuple[int, paho.MQTTMessage]] = queue.Queue()
        self.connection = 0
        self.subscribed = threading.Event()
        self.totals = ingest.Outcome()
        self.points = pointcache.PointCache()  # this consumer's alone: one thread stores
        self.client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=paho.MQTTv5,
            manual_ack=True,
        )
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.broker = broker

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            logger.error("MQTT connection refused: %s", reason_code)
            return
        self.connection += 1
        client.subscribe([(topic_filter(self.prefix), 1), (positions_filter(self.prefix), 1)])

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.subscribed.set()

    def _on_message(self, client, userdata, message) -> None:
        self.inbox.put((self.connection, message))

    def start(self, timeout: float = 10) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES
        properties.ReceiveMaximum = self.receive_maximum
        # clean_start=False on every connection (the first too): the session and what it holds are kept.
        self.client.connect(
            self.broker.host, self.broker.port, keepalive=30, clean_start=False, properties=properties
        )
        self.client.loop_start()
        if not self.subscribed.wait(timeout):
            self.stop()
            raise ConnectionError(f"MQTT {self.broker.host}:{self.broker.port} 未在 {timeout} 秒内完成订阅")

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def take(self, wait: float) -> list[tuple[int, paho.MQTTMessage]]:
        """Up to batch_size messages: waits `wait` seconds for the first, then takes what arrives within
        `linger` seconds of it (a batch's cost is mostly per batch: fuller batches, more readings per second;
        the broker sends at most `receive_maximum` unacknowledged messages, so the rest may be on its way)."""
        try:
            batch = [self.inbox.get(timeout=wait)]
        except queue.Empty:
            return []
        until = time.monotonic() + self.linger
        while len(batch) < self.batch_size:
            try:
                batch.append(self.inbox.get(timeout=max(0.0, until - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def process(self, batch: list[tuple[int, paho.MQTTMessage]]) -> ingest.Outcome:
        """Store a batch in one transaction, then acknowledge each message (after the commit) on the
        connection it came on; one that came before a reconnection is sent again by the broker, and its
        readings, already stored, are not stored twice (services.ingest_grouped)."""
        positions = [(m.topic, m.payload) for _, m in batch if m.topic.endswith("/positions")]
        readings = [(m.topic, m.payload) for _, m in batch if not m.topic.endswith("/positions")]
        outcome = (
            ingest.accept(readings, channel="mqtt", actor="monitoring.mqtt", points=self.points)
            if readings
            else ingest.Outcome()
        )
        if positions:
            from anze.monitoring import vehicles

            moved = vehicles.accept_positions(positions, channel="mqtt", actor="monitoring.mqtt")
            outcome.stored += moved.stored
            outcome.rejected += moved.rejected
            outcome.rejected_messages += moved.rejected_messages
            outcome.raised += moved.raised
        for connection, message in batch:
            if connection == self.connection:
                self.client.ack(message.mid, message.qos)
        for name in ("stored", "rejected", "raised", "rejected_messages"):
            setattr(self.totals, name, getattr(self.totals, name) + getattr(outcome, name))
        return outcome

    def run(
        self, *, stop: threading.Event, wait: float = 0.5, until_idle: float | None = None
    ) -> ingest.Outcome:
        """Consume until `stop` is set (or, with `until_idle`, until nothing arrives for that long)."""
        idle_since = time.monotonic()
        while not stop.is_set():
            batch = self.take(wait)
            if batch:
                self.process(batch)
                idle_since = time.monotonic()
            elif until_idle is not None and time.monotonic() - idle_since >= until_idle:
                break
        return self.totals
