CREATE INDEX material_lot_manufacturer IF NOT EXISTS
FOR (n:MaterialLot) ON (n.manufacturer)
