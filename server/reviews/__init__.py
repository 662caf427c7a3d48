"""Reviews (issue 12): collected only from fulfilled orders' lines through a signed link, or
imported by the merchant and labelled so; published by one rule whatever the rating, hidden
only for a reason from a fixed list, every decision kept in a moderation log.

``model`` (what a review is), ``service`` (the rules, pure), ``links`` (the signed review
link), ``queries`` and ``import_queries`` (SQL), and the use cases, each one write
transaction: ``publishing`` (a buyer's review), ``moderating`` (hide, unhide, reply, remove at
the writer's request), ``importing`` (a CSV file, and undoing one), ``voting`` (a visitor's
"helpful"). ``public`` shapes what the public API and the JSON-LD say.
"""
