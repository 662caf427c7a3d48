"""The outbox: every message Keepcart sends, and the sender that delivers them.

A change that causes a message (an order placed, an order fulfilled) writes its row with
``outbox.enqueue`` inside its own transaction, so the message exists exactly when the change
does. The background ``sender.Sender``, started by the app's lifespan inside ``keepcart
serve``, claims the due rows, delivers each outside any transaction and records the outcome:

    queued ──claim──▶ sending ──delivered──▶ sent
      ▲                  │ ├──refused for good, or out of attempts──▶ failed ──resend──┐
      │                  │ └──no mail server configured──▶ unsent_no_server ──resend──┤
      └──retry later─────┘ (and when a claim's lease lapses: the sender died)         │
      ▲────────────────────────────────────────────────────────────────────────────────┘

Delivery is at least once: a sender killed between handing a message over and recording it
sends it again. Every attempt carries the message's own id (``msg_…``) as its idempotency
id (an email's Message-ID), so a receiver that de-duplicates by it shows it once.
"""
