-- A free gift's cart line remembers the coupon that put it there, so the line leaves the cart
-- when that coupon is removed, replaced, expires or is deleted, and is never charged for.
ALTER TABLE cart_items ADD COLUMN gift_of_discount_id INTEGER
    REFERENCES discounts (id) ON DELETE CASCADE;
