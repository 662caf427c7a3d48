"""Quick feedback surveys (issue 13): asked on a storefront moment (exit intent, a cart drawer
closed with items, checkout left, …), on the order confirmation, or on the order-status page;
answered question by question, each answer saved as given; frequency checked by the server as
well as the browser; an exit answer may lead straight to an offer (its remedy).

``model`` (what a survey, a response and an answer are), ``templates`` (the surveys a merchant
starts from), ``service`` (the rules, pure: config, answers, branching, frequency, the response
token), ``inputs`` (a request's fields), ``queries`` (SQL), and the use cases, each one write
transaction: ``responding`` (showing a survey, recording an answer) and ``remedies`` (an
answer's offer).
"""
