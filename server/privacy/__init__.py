"""One shopper's data, store-wide: found by their email and/or visitor id, exported as one
JSON document, and erased in one write (DESIGN's contract: personal data can be exported and
deleted per shopper). The store's owner answers a shopper's access or erasure request with it
(the admin's *Shopper data* page); another store's rows are never read or touched.

``model`` (the kinds of data, what an erasure did, in words), ``finding`` (everything the
store holds about the shopper, kind by kind, as the export writes it), ``erasing`` (the one
write) and ``queries`` (their SQL). Each area that holds a shopper's rows answers for its own
where it has rules of its own: surveys (``server.surveys.privacy``) and reviews (removed as at
their writer's request, ``server.reviews.moderating``).
"""
