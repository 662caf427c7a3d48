"""Abandoned-checkout recovery (issue 14): the email a shopper gives in checkout, kept as the
store's mode allows (``capture``); the reminder sequence the outbox's sender advances
(``sequence``); the signed links a reminder carries (``links``) and the cart the recovery
link rebuilds (``rebuilding``); the emails (``emails``); the results against the holdout
(``results``). Rules, pure, in ``model``; SQL in ``queries``."""
