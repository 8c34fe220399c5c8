// The read queries the Neo4j store runs. Every relationship query filters on the
// period bounds `first`/`last` (Neo4j Dates) and, when $types is not null, on the type.

// name: meta
// The loaded dataset version; also the liveness probe of every request. None while a
// load too large for one transaction is under way or was cut off (`mark_loading`).
OPTIONAL MATCH (m:CityGraphMeta {key: 'dataset'})
RETURN CASE WHEN m.loading IS NULL THEN m.version END AS version

// name: counts
// Both counts come from Neo4j's count store, whatever the size (one label on one side only:
// `(:Entity)-[r]->(:Entity)` would scan). Only entities have relationships.
CALL { MATCH (e:Entity) RETURN count(e) AS nodes }
CALL { MATCH (:Entity)-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships

// name: all_entities
MATCH (e:Entity)
RETURN properties(e) AS e
ORDER BY e.id




// name: degrees
MATCH (e:Entity)
RETURN e.id AS id, COUNT { (e)-[]-(:Entity) } AS degree

// name: relationships_of
MATCH (e:Entity {id: $id})-[r]-(:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props
ORDER BY r.id

// name: snapshot
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props
ORDER BY r.id

// name: entities_page
// Keyset paging for exports: the next $limit entities after $after, by the unique id index.
MATCH (e:Entity)
WHERE e.id > $after
RETURN properties(e) AS e
ORDER BY e.id
LIMIT $limit

// name: relationships_page
// Keyset paging for exports: the outgoing relationships (in the window, of the types) of the
// next $limit source entities after $after, seeking the entities by the unique id index; a
// source without any still gives a row (type null) so the caller knows how far the page went.
MATCH (a:Entity)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
WITH a, r, b ORDER BY a.id, r.id
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props, a.id AS last_source

// name: dated_span
// The earliest and latest day any relationship's period names; open ends (the day limits) left out.
MATCH (:Entity)-[r]->(:Entity)
UNWIND [r.first, r.last] AS day
WITH day WHERE $day_min < day < $day_max
RETURN min(day) AS first, max(day) AS last

// name: relationships_by_id
// The relationships a path query named, by their ids. An id is "source|TYPE|target|start",
// so both ends are unique-index seeks and the relationship an Expand(Into) between them.
UNWIND $ids AS rid
WITH rid, split(rid, '|') AS part
MATCH (a:Entity {id: part[0]})-[r {id: rid}]->(b:Entity {id: part[2]})
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props
