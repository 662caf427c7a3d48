-- Conversion counts sessions that placed an order, not orders (two orders in one visit are
-- one converted session). Kept days lack the new count: they are dropped and counted again.
DELETE FROM event_days;
ALTER TABLE event_days ADD COLUMN order_sessions INTEGER NOT NULL DEFAULT 0
