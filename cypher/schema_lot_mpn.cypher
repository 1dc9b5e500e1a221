CREATE INDEX material_lot_mpn IF NOT EXISTS
FOR (n:MaterialLot) ON (n.mpn)
