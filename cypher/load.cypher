// Batched, idempotent loads: MERGE on ids, SET of every property, one UNWIND per batch.

// name: load_entities
// One batch of entities of one kind: $rows = [{id, props}].
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e += row.props, e:{{kind}}

// name: load_relationships
// One batch of relationships of one type: $rows = [{id, source, target, props}].
// Dates arrive as Neo4j Date values; `first`/`last` are the period's day bounds.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:{{type}} {id: row.id}]->(b)
SET r += row.props

// name: load_relationship_one
// The per-row load the benchmark compares against: one MERGE per statement.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
MERGE (a)-[r:{{type}} {id: $id}]->(b)
SET r += $props

// name: set_meta
// Record which dataset version is loaded.
MERGE (m:CityGraphMeta {key: 'dataset'})
SET m.version = $version, m.loaded_at = datetime()

// name: reset
// Remove what this project loaded (its labels only), in batches.
MATCH (n) WHERE n:Entity OR n:CityGraphMeta
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS
