// Queries to paste into Neo4j Browser (http://localhost:7474/browser/) to explore the graph.
// The test suite runs every one of them, so they stay correct as the schema changes.

// name: browser_overview
// What is in the graph: entities by kind.
MATCH (e:Entity) RETURN e.kind AS kind, count(*) AS entities ORDER BY entities DESC

// name: browser_viborg_network
// Viborg Kommune and everything tied to it (drag the nodes around; double-click to expand).
MATCH p = (:Entity {id: 'viborg-kommune'})-[]-(:Entity) RETURN p

// name: browser_grundfos_to_irbid
// How Viborg connected Grundfos to Irbid: shortest chains through Viborg Kommune.
MATCH p1 = ALL SHORTEST (:Entity {id: 'grundfos'})-[]-{1,3}(v:Entity {id: 'viborg-kommune'})
MATCH p2 = ALL SHORTEST (v)-[]-{1,3}(:Entity {id: 'irbid'})
RETURN p1, p2

// name: browser_in_force_2008
// The network as of 2008: relationships whose period covers any day of 2008.
MATCH p = (:Entity)-[r]->(:Entity)
WHERE r.first <= date('2008-12-31') AND r.last >= date('2008-01-01') AND type(r) <> 'LOCATED_IN'
RETURN p

// name: browser_twin_towns
// Twin towns, with when they were twinned.
MATCH (a:Entity)-[r:TWINNED_WITH]-(b:Entity) WHERE a.id < b.id
RETURN a.name, b.name, r.start, r.end, r.description ORDER BY r.first

// name: browser_sources
// Where a relationship is written: the documents and quotes behind Aarhus–Harbin.
MATCH (:Entity {id: 'aarhus-kommune'})-[r]-(h:Entity) WHERE h.name = 'Harbin'
RETURN type(r), r.start, r.source_documents, r.source_quotes

// name: browser_search
// Find an entity by a fuzzy name (the full-text index covers names and aliases).
CALL db.index.fulltext.queryNodes('entity_names', 'marijampole~') YIELD node, score
RETURN node.id, node.name, node.kind, score LIMIT 10
