"""A PostgresBroker whose database is away: the server still starts, the broker keeps trying,
subscribers are told they may miss changes, and closing does not hang."""

from __future__ import annotations

import asyncio

from app.auth import tokens
from app.issues import service as issues
from app.notifications import Lookups, PostgresBroker
from app.projects import service as projects
from tests.conftest import free_port


async def test_a_broker_without_its_database_starts_retries_and_closes(caplog):
    lookups = Lookups(issues.issues_by_id, tokens.existing_token_ids, projects.existing_project_ids)
    broker = PostgresBroker(f"postgres://postgres@127.0.0.1:{free_port()}/away", lookups)
    await broker.start()
    assert broker.listener_pid is None
    async with broker.subscribe(None) as sub:
        assert sub.interrupted == 1
        reader = asyncio.create_task(sub.get())
        for _ in range(500):
            retries = [r for r in caplog.records if "retrying in" in r.getMessage()]
            if len(retries) >= 2:
                break
            await asyncio.sleep(0.01)
        assert [r.getMessage().split(" (")[0] for r in retries[:2]] == [
            "listening for issue changes failed"
        ] * 2
        await broker.close()
        # Closing ends the subscriptions: a reader waiting for a change stops.
        (outcome,) = await asyncio.wait_for(asyncio.gather(reader, return_exceptions=True), 10)
        assert isinstance(outcome, StopAsyncIteration)
    assert broker.subscribers == 0
