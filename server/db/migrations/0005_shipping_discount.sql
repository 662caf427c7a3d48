-- The shipping a discount waived on an order (a free-shipping code or coupon): the chosen
-- method's price without the discount, in minor units. `discount_total` is merchandise only,
-- so without this a free-shipping offer looked free in a campaign's discount cost.
ALTER TABLE orders ADD COLUMN shipping_discount INTEGER NOT NULL DEFAULT 0
    CHECK (shipping_discount >= 0);
