-- The retry sweep asks every few seconds for the oldest pending deliveries (state = 'pending' ORDER BY updated_at):
-- a partial index keeps that a short index scan however many delivered rows pile up.
CREATE INDEX deliveries_pending_due ON deliveries(updated_at) WHERE state = 'pending';
