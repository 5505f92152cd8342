"""The Kafka producer every publisher shares: keyed, acks=all, started lazily and rebuilt after a failure."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer

from kernel.settings import common_settings


class KafkaPublisher:
    def __init__(self, bootstrap_servers: str | None = None) -> None:
        self._bootstrap = bootstrap_servers or common_settings().kafka_bootstrap_servers
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    acks="all",
                    linger_ms=5,
                    request_timeout_ms=10_000,
                    client_id="outbox-relay",
                )
                await producer.start()
                self._producer = producer
            return self._producer

    async def send_many(self, messages: list[tuple[str, str, bytes]]) -> list[BaseException | None]:
        """Send (topic, key, value) in order; returns per-message error or None.

        aiokafka keeps one request in flight per broker, so messages with one key (one partition) stay in order.
        """
        producer = await self._ensure()
        futures = [await producer.send(topic, value=value, key=key.encode()) for topic, key, value in messages]
        results = await asyncio.gather(*futures, return_exceptions=True)
        errors = [r if isinstance(r, BaseException) else None for r in results]
        if any(errors):
            await self.reset()
        return errors

    async def reset(self) -> None:
        async with self._lock:
            if self._producer is not None:
                producer, self._producer = self._producer, None
                try:
                    await producer.stop()
                except Exception:  # noqa: BLE001 - a dead producer may fail to stop; we replace it anyway
                    pass

    async def close(self) -> None:
        await self.reset()
