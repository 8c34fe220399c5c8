// The schema, created before any load. Every statement is idempotent (IF NOT EXISTS).

// name: schema
// Entity ids are unique; names, kinds and countries are indexed for Browser users;
// the full-text index makes `CALL db.index.fulltext.queryNodes('entity_names', 'aarhus~')` work;
// `search_text` (each key folded, app/search_keys.py) has a text index for the API's exact and
// substring lookups and a full-text index (`entity_search`) for its fuzzy candidates;
// relationship periods are indexed per type by `schema_periods` below.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:CityGraphMeta) REQUIRE m.key IS UNIQUE;
CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind);
CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name);
CREATE INDEX entity_country IF NOT EXISTS FOR (e:Entity) ON (e.country);
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.name_en, e.alias_text, e.id];
CREATE TEXT INDEX entity_search_text IF NOT EXISTS FOR (e:Entity) ON (e.search_text);
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (e:Entity) ON EACH [e.search_text]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}

// name: schema_periods
// A range index on each type's period bounds (a relationship index needs its type), so a
// Browser user's `WHERE r.first <= date('2008-12-31') AND r.last >= date('2008-01-01')`
// on one type is an index seek.
CREATE RANGE INDEX period_{{type}} IF NOT EXISTS FOR ()-[r:{{type}}]-() ON (r.first, r.last)
