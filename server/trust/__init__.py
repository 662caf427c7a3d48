"""Trust: badges that state only what is true, and honest social proof.

Every badge is derived from a fact Keepcart knows (payment methods enabled, the shipping
rules, the delivery rule, the return policy the merchant writes, HTTPS) and is shown only
while that fact holds: ``facts.py`` is the pure rule, ``queries.py`` the SQL, ``model.py``
the settings a merchant chooses. A share of visitors can be held out (``holdout.py``) so the
admin can show conversion with and without them (``results.py``); exposures no result counts
any more are pruned by the server's maintenance (``retention.py``).
"""
