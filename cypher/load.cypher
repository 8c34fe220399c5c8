// Loads. Into a database that holds data: batched, idempotent MERGEs on ids, SET of every
// property, one UNWIND per batch, everything tagged with the dataset version being loaded
// so that what the new version no longer holds can be removed. Into an empty database:
// CREATE (no MERGE lookup or lock), same properties and tag, indexes built afterwards.

// name: load_entities
// One batch of entities of one kind: $rows = [{id, props}].
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e += row.props, e:{{kind}}, e.dataset_version = $version

// name: load_relationships
// One batch of relationships of one type: $rows = [{id, source, target, props}].
// `first`/`last` arrive as Neo4j Dates (the period's day bounds, for filtering); `start`/`end`
// as the partial dates as written ("2018"), for people (see app/stores/neo4j_records.py).
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:{{type}} {id: row.id}]->(b)
SET r += row.props, r.dataset_version = $version

// name: create_entities
// The bulk load into an empty database: one batch of entities of one kind. `props` is the
// complete map (id and dataset_version included): one SET and nothing read after it, so
// the plan has no Eager.
UNWIND $rows AS row
CREATE (e:Entity:{{kind}})
SET e = row.props

// name: create_relationships
// The bulk load into an empty database: one batch of relationships of one type. `props` is
// the complete map (id and dataset_version included). One Eager remains (the planner cannot
// tell that a map SET on `r` leaves the nodes' `id` unread); measured, it costs nothing
// noticeable (bench/README.md, "Bulk loading").
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
CREATE (a)-[r:{{type}}]->(b)
SET r = row.props

// name: load_relationship_one
// The per-row load the benchmark compares against: one MERGE per statement.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
MERGE (a)-[r:{{type}} {id: $id}]->(b)
SET r += $props

// name: drop_rekinded
// Entities whose kind changed lose their node and links, to be loaded afresh with the new
// label (a label cannot be a parameter, so it cannot be removed by value).
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
WHERE e.kind <> row.props.kind
DETACH DELETE e

// name: delete_stale_relationships
// Up to $limit relationships the loaded version does not hold (edited or removed data).
MATCH (:Entity)-[r]->(:Entity)
WHERE r.dataset_version IS NULL OR r.dataset_version <> $version
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// name: delete_stale_entities
// Up to $limit entities the loaded version does not hold, with their links.
MATCH (e:Entity)
WHERE e.dataset_version IS NULL OR e.dataset_version <> $version
WITH e LIMIT $limit
DETACH DELETE e
RETURN count(*) AS deleted

// name: has_entities
// Whether the database holds any entity (an empty one takes the CREATE path).
MATCH (e:Entity)
RETURN count(e) > 0 AS loaded

// name: mark_loading
// Before a load too large for one transaction: until `set_meta` clears it, the database
// is half-loaded, and `meta` answers that no version is loaded.
MERGE (m:CityGraphMeta {key: 'dataset'})
SET m.loading = $version

// name: set_meta
// Record which dataset version is loaded, and its `/stats` counts (JSON, counted by the loader).
MERGE (m:CityGraphMeta {key: 'dataset'})
SET m.version = $version, m.stats = $stats, m.loaded_at = datetime(), m.loading = null

// name: reset
// Remove what this project loaded (its labels only), in batches.
MATCH (n) WHERE n:Entity OR n:CityGraphMeta
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS

// name: count_everything
// Every node and relationship, whoever wrote them (count store): `seed --bulk` replaces an
// existing database only when both are zero.
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
