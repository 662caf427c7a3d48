-- Trust, from closing20 §4.3: when a store's badge placements last changed. A change does not
-- restart the holdout's measurement (the share did not change), so the results say that they
-- mix visitors who saw the badges placed before and after it.
ALTER TABLE trust_settings ADD COLUMN placements_since INTEGER NOT NULL DEFAULT 0;
