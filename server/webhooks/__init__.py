"""Merchant webhooks, as Standard Webhooks has them: a store's endpoints, each with the event
types it wants and its own ``whsec_`` secrets (rotated with an overlap), and the deliveries.

A change that causes an event calls ``emitting.emit(conn, store_id, type, data, now)`` in its
own write: one outbox message (``server.messages``, channel ``webhook``) per enabled endpoint
that subscribes to the type, holding the exact JSON body. The outbox's sender delivers each
through ``delivery.WebhookTransport``: the SSRF guard (``guard``) checks the destination, the
POST carries ``webhook-id`` (the message's ``msg_…``, the same on every retry),
``webhook-timestamp`` and ``webhook-signature``; a 2xx delivers it, anything else is retried
on the spec's schedule (``model.RETRY_DELAYS_MS``), a 410 disables the endpoint, and so does
a message failing for good with no delivery to the endpoint succeeding since it was first
tried. Every attempt is in the endpoint's delivery log.

Who emits what: checkout (order.created, order.paid for a card order), orders' status
changes (order.paid, order.fulfilled), surveys (survey.response.created), reviews
(review.created), cart recovery (checkout.abandoned; checkout.recovered in the order's write,
through the hook checkout's ``place_order`` takes: ``server.recovery.webhook_data``).
"""
