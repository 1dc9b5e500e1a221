CREATE INDEX material_lot_country_of_origin IF NOT EXISTS
FOR (n:MaterialLot) ON (n.countryOfOrigin)
