-- One delivery rule per store (server/pricing/delivery.py): orders placed on a working day
-- before the dispatch cut-off (local time, minutes after midnight) are ready that day, others
-- the next working day; they leave after the handling days; each shipping method's min_days
-- and max_days are its transit time in the same working days. The defaults (14:00, no
-- handling, Monday to Friday, no holidays) give every store an honest rule from the start:
-- an order before 14:00 on a weekday arrives when it did before, a later or weekend one a
-- working day later, instead of being promised for a day nobody ships.
ALTER TABLE stores ADD COLUMN dispatch_cutoff_minutes INTEGER NOT NULL DEFAULT 840
    CHECK (dispatch_cutoff_minutes BETWEEN 0 AND 1439);
ALTER TABLE stores ADD COLUMN handling_days INTEGER NOT NULL DEFAULT 0
    CHECK (handling_days BETWEEN 0 AND 30);
-- Lower-case English weekday abbreviations separated by spaces, Monday first.
ALTER TABLE stores ADD COLUMN working_days TEXT NOT NULL DEFAULT 'mon tue wed thu fri';
-- ISO dates (YYYY-MM-DD) separated by spaces: days nothing leaves or arrives.
ALTER TABLE stores ADD COLUMN holidays TEXT NOT NULL DEFAULT '';

-- Transit used to be counted from the order day with at least one day: 0 meant 1. Now 0 is
-- a same-day courier, so the 0s stored under the old meaning keep the estimate they gave.
UPDATE shipping_methods SET min_days = max(min_days, 1), max_days = max(max_days, 1)
    WHERE min_days < 1 OR max_days < 1;

-- Exposures recorded by `?keepcart_debug=exit` (a merchant testing) were counted as real
-- shoppers in a campaign's results. The server no longer records them; these never counted.
DELETE FROM exposures WHERE signal = 'debug';
