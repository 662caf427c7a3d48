"""Abandoned-checkout recovery (issue 14): the email a shopper gives in checkout, kept as the
store's mode allows (``capture``); the reminder sequence the outbox's sender advances
(``sequence``); the signed links a reminder carries (``links``) and the cart the recovery
link rebuilds (``rebuilding``); the emails (``emails``); the results against the holdout
(``results``). Rules, pure, in ``model``. SQL by concern: the settings and the contacts in
``queries``, what stops a sequence in ``stop_queries``, the reminders written and their codes
in ``step_queries``, the carts a link rebuilt in ``claim_queries``, the results and the
orders' attribution in ``results_queries``."""
