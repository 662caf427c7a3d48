"""A store's overview, the page at ``/admin/stores/{id}``: is Keepcart working?

page.py ..... the context the store page renders: range, figures, funnel, charts, features,
              and the install card (which steps aside once events arrive)
periods.py .. the chosen range and the previous period beside it, as local days (pure)
figures.py .. rates, changes, the funnel's drop-offs and what each feature brought (pure)
queries.py .. the SQL: orders and sessions per day (finished days kept in ``event_days``),
              and offers' exposed visitors against their holdouts

The charts are ``server/admin/charts.py``, shared with the campaign results page.
"""
