// Analytics in the database: GDS projections of one time window, the centrality algorithms
// over them, and /stats as aggregations. $graph is a name the store generates (never user
// input); $first/$last/$types filter like every relationship query; $structural lists the
// types left out of the analytics graph (geography, not diplomacy).

// name: gds_project
// The simple undirected graph of a window: one edge per linked pair, however many
// relationships (and in whichever direction) link it; only entities with a link are nodes.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND NOT type(r) IN $structural
WITH DISTINCT CASE WHEN a.id < b.id THEN a ELSE b END AS s, CASE WHEN a.id < b.id THEN b ELSE a END AS t
WITH gds.graph.project($graph, s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gds_project_with_loops
// The same graph plus a loop on every node (A + I): same eigenvectors as A, but power
// iteration converges on bipartite graphs too, where it would otherwise oscillate.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND NOT type(r) IN $structural
WITH DISTINCT CASE WHEN a.id < b.id THEN a ELSE b END AS s, CASE WHEN a.id < b.id THEN b ELSE a END AS t
UNWIND [[s, t], [s, s], [t, t]] AS pair
WITH DISTINCT pair[0] AS s, pair[1] AS t
WITH gds.graph.project($graph, s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gds_project_base
// Every window's graph at once (see app/stores/gds_projections.py): for each linked pair,
// the union of its relationships' periods as disjoint segments sorted by start, one edge
// per segment, with the segment's `first` and `last` day and the previous segment's
// `prevLast` (0 for the first) as numbers YYYYMMDD. A window [F, L] keeps the segments
// with first <= L AND last >= F AND prevLast < F (gds_filter_window): the earliest segment
// of each pair that meets the window, so one edge per pair linked in it, as gds_project.
// A relationship without `first`/`last` is admitted by no window, so it is left out.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first IS NOT NULL AND r.last IS NOT NULL AND ($types IS NULL OR type(r) IN $types)
  AND NOT type(r) IN $structural
WITH CASE WHEN a.id < b.id THEN a ELSE b END AS s, CASE WHEN a.id < b.id THEN b ELSE a END AS t,
     r.first.year * 10000 + r.first.month * 100 + r.first.day AS first,
     r.last.year * 10000 + r.last.month * 100 + r.last.day AS last
ORDER BY first
WITH s, t, collect([first, last]) AS spans
WITH s, t, reduce(segments = [], span IN spans |
       CASE WHEN size(segments) > 0 AND span[0] <= segments[-1][1]
            THEN segments[..-1] + [[segments[-1][0], CASE WHEN span[1] > segments[-1][1] THEN span[1] ELSE segments[-1][1] END]]
            ELSE segments + [span] END) AS segments
UNWIND range(0, size(segments) - 1) AS i
WITH gds.graph.project($graph, s, t, {relationshipProperties: {
       first: toFloat(segments[i][0]), last: toFloat(segments[i][1]),
       prevLast: CASE i WHEN 0 THEN 0.0 ELSE toFloat(segments[i - 1][1]) END
     }}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gds_filter_window
// The edges of one window from a base projection (gds_project_base), every node kept;
// $first and $last as numbers YYYYMMDD.
CALL gds.graph.filter($subgraph, $graph, '*', 'r.first <= $last AND r.last >= $first AND r.prevLast < $first',
                      {parameters: {first: $first, last: $last}})
YIELD nodeCount, relationshipCount
RETURN nodeCount AS nodes, relationshipCount AS relationships

// name: gds_filter_linked
// Only the nodes with an edge (gds_filter_window keeps every node; gds_project has only
// entities with a link in the window, and n matters to normalisation and closeness).
CALL gds.degree.mutate($graph, {mutateProperty: 'windowDegree'}) YIELD nodePropertiesWritten
CALL gds.graph.filter($subgraph, $graph, 'n.windowDegree > 0.0', '*') YIELD nodeCount, relationshipCount
RETURN nodeCount AS nodes, relationshipCount AS relationships

// name: gds_drop
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName

// name: gds_drop_stale
// Our projections older than $older_than seconds (cached ones: $cached_older_than, their time
// to live and more): a request lives far shorter, so these were left by one whose drop never
// ran (a server-side timeout can race it) or by a process that died; free their heap.
CALL gds.graph.list() YIELD graphName, creationTime
WITH graphName, CASE WHEN graphName STARTS WITH 'citygraph-cache-' THEN $cached_older_than ELSE $older_than END AS age
WHERE graphName STARTS WITH 'citygraph-' AND creationTime < datetime() - duration({seconds: age})
CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped
RETURN dropped

// name: gds_graph_size
// The heap a projection holds, as GDS counts it (bounds the projection cache).
CALL gds.graph.list($graph) YIELD sizeInBytes, relationshipCount
RETURN sizeInBytes AS bytes, relationshipCount AS relationships

// name: gds_graph_counts
// A projection's nodes and links (GDS counts an undirected link once each way).
CALL gds.graph.list($graph) YIELD nodeCount, relationshipCount
RETURN nodeCount AS nodes, relationshipCount / 2 AS links

// name: gds_degree
// Every score query returns its rows in chunks of up to 10,000 nodes, each as three aligned
// lists (ids, scores, kinds): the driver decodes a record per row slowly, and ~150k records
// took 3.3 s at 1M against 0.4 s as lists (the first centrality of a window spent most of
// its 5 s budget there).
CALL gds.degree.stream($graph) YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS node, score, nodeId / 10000 AS chunk
RETURN chunk, collect(node.id) AS ids, collect(score) AS scores, collect(coalesce(node.kind, '')) AS kinds

// name: gds_betweenness
// $config: {mutateProperty} for exact, with {samplingSize, samplingSeed} for the sampled
// estimate; read back by gds_property_scores (as gds_pagerank: the time of the algorithm
// and of the stream are measured apart, app/stores/gds_budget.py).
CALL gds.betweenness.mutate($graph, $config) YIELD computeMillis
RETURN computeMillis

// name: gds_closeness
CALL gds.closeness.stream($graph, {useWassermanFaust: true}) YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS node, score, nodeId / 10000 AS chunk
RETURN chunk, collect(node.id) AS ids, collect(score) AS scores, collect(coalesce(node.kind, '')) AS kinds

// name: gds_pagerank
// PageRank into the node property $property (one per request: the projection may be
// shared), read by gds_property_scores; how many iterations ran, whether it converged
// within $config.maxIterations (sized to the request's time left, app/stores/gds_budget.py).
CALL gds.pageRank.mutate($graph, $config) YIELD ranIterations, didConverge, computeMillis
RETURN ranIterations, didConverge, computeMillis

// name: gds_components_prepare
// Weakly connected components written into the graph as node property `component`.
CALL gds.wcc.mutate($graph, {mutateProperty: 'component'}) YIELD componentCount
RETURN componentCount

// name: gds_largest_component
// The largest component (gds_components_prepare; ties: the one whose smallest id sorts last,
// as in the networkx version), and its size.
CALL gds.graph.nodeProperty.stream($graph, 'component') YIELD nodeId, propertyValue
WITH propertyValue AS component, count(*) AS size, min(gds.util.asNode(nodeId).id) AS smallest
ORDER BY size DESC, smallest DESC
LIMIT 1
RETURN component, size

// name: gds_filter_component
CALL gds.graph.filter($subgraph, $graph, 'n.component = $component', '*', {parameters: {component: $component}})
YIELD nodeCount, relationshipCount
RETURN nodeCount, relationshipCount

// name: gds_eigenvector
// As gds_pagerank: into $property ($config has mutateProperty), then gds_property_scores.
CALL gds.eigenvector.mutate($graph, $config) YIELD ranIterations, didConverge, computeMillis
RETURN ranIterations, didConverge, computeMillis

// name: gds_property_scores
// A node property's values (gds_pagerank, gds_eigenvector) in chunks, as gds_degree.
CALL gds.graph.nodeProperty.stream($graph, $property) YIELD nodeId, propertyValue
WITH gds.util.asNode(nodeId) AS node, propertyValue AS score, nodeId / 10000 AS chunk
RETURN chunk, collect(node.id) AS ids, collect(score) AS scores, collect(coalesce(node.kind, '')) AS kinds

// name: gds_component_scores
// As gds_property_scores, 0 outside the component $component (gds_components_prepare): the
// eigenvector of a large window's largest component, run on the whole window's graph.
CALL gds.graph.nodeProperty.stream($graph, $property) YIELD nodeId, propertyValue
WITH gds.util.asNode(nodeId) AS node, nodeId / 10000 AS chunk,
     CASE WHEN gds.util.nodeProperty($graph, nodeId, 'component') = $component THEN propertyValue ELSE 0.0 END AS score
RETURN chunk, collect(node.id) AS ids, collect(score) AS scores, collect(coalesce(node.kind, '')) AS kinds

// name: gds_property_drop
// A request's node property, dropped from a projection that outlives the request.
CALL gds.graph.nodeProperties.drop($graph, [$property], {failIfMissing: false}) YIELD propertiesRemoved
RETURN propertiesRemoved

// name: history_degree_counts
// Every entity's degree year by year, as counts: how many entities had `degree` distinct
// neighbours in each year from `from` to `to`. A pair is linked in a year when one of its
// relationships holds on some day of it (year(first) <= year <= year(last)), as `as_of=year`
// admits it (gds_project); each pair's spans are merged so it counts once. Per entity, the
// years where its degree changes (one pass over the relationships: the degree history of
// every entity without a projection per year, see app/analysis/degree_years.py).
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first IS NOT NULL AND r.last IS NOT NULL AND NOT type(r) IN $structural
WITH CASE WHEN a.id < b.id THEN a ELSE b END AS s, CASE WHEN a.id < b.id THEN b ELSE a END AS t,
     r.first.year AS y0, r.last.year AS y1
ORDER BY y0
WITH s, t, collect([y0, y1]) AS spans
WITH s, t, reduce(merged = [], span IN spans |
       CASE WHEN size(merged) > 0 AND span[0] <= merged[-1][1]
            THEN merged[..-1] + [[merged[-1][0], CASE WHEN span[1] > merged[-1][1] THEN span[1] ELSE merged[-1][1] END]]
            ELSE merged + [span] END) AS merged
UNWIND merged AS span
UNWIND [s, t] AS node
UNWIND [[span[0], 1], [span[1] + 1, -1]] AS step
WITH node, step[0] AS year, sum(step[1]) AS change
ORDER BY year
WITH node, collect([year, change]) AS changes
UNWIND range(0, size(changes) - 2) AS i
WITH changes[i][0] AS from, changes[i + 1][0] - 1 AS to, reduce(d = 0, c IN changes[..i + 1] | d + c[1]) AS degree
WHERE degree > 0
RETURN from, to, degree, count(*) AS entities

// name: history_degree_of
// One entity's degree as history_degree_counts counts it: the years where it changes, and by
// how much (each neighbour's spans merged: +1 from its first year, -1 after its last).
MATCH (e:Entity {id: $id})-[r]-(b:Entity)
WHERE b <> e AND r.first IS NOT NULL AND r.last IS NOT NULL AND NOT type(r) IN $structural
WITH b, r.first.year AS y0, r.last.year AS y1
ORDER BY y0
WITH b, collect([y0, y1]) AS spans
WITH reduce(merged = [], span IN spans |
       CASE WHEN size(merged) > 0 AND span[0] <= merged[-1][1]
            THEN merged[..-1] + [[merged[-1][0], CASE WHEN span[1] > merged[-1][1] THEN span[1] ELSE merged[-1][1] END]]
            ELSE merged + [span] END) AS merged
UNWIND merged AS span
UNWIND [[span[0], 1], [span[1] + 1, -1]] AS step
RETURN step[0] AS year, sum(step[1]) AS change

// name: stats_recorded
// The counts the loader recorded with the loaded version (null: a load older than that record).
MATCH (m:CityGraphMeta {key: 'dataset'})
WHERE m.version = $version AND m.loading IS NULL
RETURN m.stats AS stats

// name: stats_entities
MATCH (e:Entity)
RETURN e.kind AS kind, count(*) AS count

// name: stats_relationships
// Relationships by type, decade of start (null: no start), dating, dated (a start or an end)
// and attested only (neither, but a source says when it held). `start` is written "YYYY[-MM[-DD]]".
MATCH (:Entity)-[r]->(:Entity)
RETURN type(r) AS type, CASE WHEN r.start IS NULL THEN null ELSE toInteger(left(r.start, 4)) / 10 * 10 END AS decade,
       r.dating AS dating, r.start IS NOT NULL OR r.end IS NOT NULL AS dated,
       r.start IS NULL AND r.end IS NULL AND size(coalesce(r.attested, [])) > 0 AS attested_only, count(*) AS count

// name: stats_documents
// Sources by document: one per quote, as the documents are stored once per relationship
// (not at all when every one is "", a dataset record's: app/stores/neo4j_records.py).
MATCH (:Entity)-[r]->(:Entity)
UNWIND r.source_quote_document AS i
RETURN coalesce(r.source_documents[i], '') AS document, count(*) AS count

// -- brokerage (see app/analysis/broker_counts.py) --------------------------------------
// The window's graph as brokerage sees it: simple and undirected for pairs (as gds_project),
// directed for roles (source → target, $symmetric types both ways).

// name: broker_neighbours
// One broker's neighbours in the window, by id: what decides their groups, whether each
// acts on the broker (pred: a → v) and the broker on it (succ: v → a), and its key in
// broker_ties (the node's internal id: stable while the read-only dataset is served).
MATCH (v:Entity {id: $id})-[r]-(a:Entity)
WHERE a <> v AND r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND NOT type(r) IN $structural
WITH v, a, collect(r) AS rs
RETURN a.id AS id, a.country AS country, a.kind AS kind, id(a) AS key,
       any(r IN rs WHERE endNode(r) = v OR type(r) IN $symmetric) AS pred,
       any(r IN rs WHERE startNode(r) = v OR type(r) IN $symmetric) AS succ
ORDER BY id

// name: broker_ties
// For each neighbour in $batch, one row: every other entity w (not the broker $id) tied to
// it in the window, as id(w) * 4 + direction bits (1: the neighbour acts on w, 2: w on it).
// Two neighbours tied to one w share a neighbour besides the broker; a w that is itself a
// neighbour closes a triangle. Grouped per neighbour, not per w, and as integers: the
// database streams row by row and the driver decodes ints, several times faster than
// grouping the batch by w with lists of ids (measured at 1M, bench/README.md).
// Keyed by id(), deprecated in Neo4j 5 for elementId(): an elementId is a string (about
// 45 characters) the count would map to an integer tie by tie, holding one string per
// entity read (the largest hub at 1M has ~700k ties around it), for no speed gained (the
// whole hub read both ways back to back, bench/README.md). The keys are used only within
// one count of the read-only dataset being served.
MATCH (v:Entity {id: $id})
UNWIND $batch AS aid
MATCH (a:Entity {id: aid})
RETURN aid AS member, COLLECT {
  MATCH (a)-[r]-(w:Entity)
  WHERE w <> v AND w <> a AND r.first <= $last AND r.last >= $first
    AND ($types IS NULL OR type(r) IN $types) AND NOT type(r) IN $structural
  WITH w, collect(r) AS rs
  RETURN id(w) * 4
         + CASE WHEN any(r IN rs WHERE startNode(r) = a OR type(r) IN $symmetric) THEN 1 ELSE 0 END
         + CASE WHEN any(r IN rs WHERE endNode(r) = a OR type(r) IN $symmetric) THEN 2 ELSE 0 END
} AS ties

// name: gds_broker_prepare
// Degree and triangles of every node of a projection (gds_project), as node properties.
CALL gds.degree.mutate($graph, {mutateProperty: 'degree'}) YIELD nodePropertiesWritten
CALL gds.triangleCount.mutate($graph, {mutateProperty: 'triangles'}) YIELD globalTriangleCount
RETURN globalTriangleCount

// name: gds_broker_candidates
// Brokers by their open pairs (neighbour pairs not tied to each other: C(k, 2) - triangles),
// most first, ties by id, with what decides their groups; the page after ($below_pairs,
// $after_id), at most $count.
CALL gds.graph.nodeProperty.stream($graph, 'triangles') YIELD nodeId, propertyValue
WITH nodeId, toInteger(gds.util.nodeProperty($graph, nodeId, 'degree')) AS k, propertyValue AS triangles
WITH nodeId, k * (k - 1) / 2 - triangles AS pairs
WHERE pairs > 0 AND pairs <= $below_pairs
WITH gds.util.asNode(nodeId) AS n, pairs
WITH n, n.id AS id, pairs
WHERE pairs < $below_pairs OR id > $after_id
WITH n, id, pairs
ORDER BY pairs DESC, id
LIMIT $count
RETURN id, pairs, n.country AS country, n.kind AS kind
ORDER BY pairs DESC, id
