// The schema, created before any load. Every statement is idempotent (IF NOT EXISTS).

// name: schema
// Entity ids are unique; names, kinds and countries are indexed for Browser users;
// the full-text index makes `CALL db.index.fulltext.queryNodes('entity_names', 'aarhus~')` work;
// relationship periods are indexed per type by `schema_periods` below.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:CityGraphMeta) REQUIRE m.key IS UNIQUE;
CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind);
CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name);
CREATE INDEX entity_country IF NOT EXISTS FOR (e:Entity) ON (e.country);
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.name_en, e.alias_text, e.id]

// name: schema_periods
// A range index on each type's period bounds (a relationship index needs its type), so a
// Browser user's `WHERE r.first <= date('2008-12-31') AND r.last >= date('2008-01-01')`
// on one type is an index seek.
CREATE RANGE INDEX period_{{type}} IF NOT EXISTS FOR ()-[r:{{type}}]-() ON (r.first, r.last)
