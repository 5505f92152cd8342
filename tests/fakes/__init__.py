"""In-memory stand-ins for each service's repository and for the services it calls, so use cases run in unit tests
(tests/unit/use_cases/) in milliseconds, without PostgreSQL or Kafka — the seam cosmicpython's FakeUnitOfWork shows.

How a test uses it (generic parts in kernel/testing.py, one module here per service):

    uow, repo, clients = world(placed_order(coupon_code="SAVE5"))       # tests/fakes/orders.py
    clients.calls.fail("release_reservation", ServiceUnavailable("down"))
    with pytest.raises(ServiceUnavailable):
        await run_use_case(uow, reactions.payment_failed, clients=clients, order_no=..., reason="declined")
    assert uow.committed == [] and uow.rollbacks == 1

- FakeUnitOfWork validates every emitted event against its contract and keeps it only if the use case commits.
- A use case reads and writes through `uow.repository(XRepository)` (kernel.uow.Repository); the fake unit of work
  hands in the FakeRepository registered for it, which keeps what a committed unit of work added.
- Services called through typed clients: a fake client class with `calls` (orders), or FakeServiceClients, whose
  services answer over httpx's MockTransport so the service's own clients.py mapping runs for real.
"""
