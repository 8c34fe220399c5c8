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
CALL () { MATCH (e:Entity) RETURN count(e) AS nodes }
CALL () { MATCH (:Entity)-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships

// name: all_entities
MATCH (e:Entity)
RETURN properties(e) AS e
ORDER BY e.id




// name: degrees
MATCH (e:Entity)
RETURN e.id AS id, COUNT { (e)-[]-(:Entity) } AS degree

// Name lookups. Each entity's folded search keys are stored as `search_text`
// ("|arhus|arhus kommune|", app/search_keys.py), covered by the text index
// `entity_search_text` (trigrams: CONTAINS is an index seek) and the full-text index
// `entity_search`. Ranking happens in app/analysis/names.py, as on the embedded backend.
// Degrees are `COUNT { (e)--() }`, a degree read per node (only entities have
// relationships, so it equals the `degrees` query's count).

// name: entities_by_ids
// The entities an answer names, with their degrees: a unique-index seek per id.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN properties(e) AS e, COUNT { (e)--() } AS degree

// name: entities_with_key
// The entities one of whose keys is exactly the folded name ($key = "|name|").
MATCH (e:Entity)
WHERE e.search_text CONTAINS $key
RETURN properties(e) AS e, COUNT { (e)--() } AS degree
ORDER BY e.id

// name: name_matches
// The best $limit entities with a key containing the folded $query, by the match rule
// (a key equal to it, starting with it, a word starting with it, containing it), then
// degree, then id: the order app.analysis.names ranks them in, so its top $limit is here.
MATCH (e:Entity)
WHERE e.search_text CONTAINS $query AND ($kind IS NULL OR e.kind = $kind)
WITH e, COUNT { (e)--() } AS degree,
     CASE
       WHEN e.search_text CONTAINS $sep + $query + $sep THEN 0
       WHEN e.search_text CONTAINS $sep + $query THEN 1
       WHEN e.search_text CONTAINS ' ' + $query THEN 2
       ELSE 3
     END AS rule
ORDER BY rule, degree DESC, e.id
LIMIT $limit
RETURN properties(e) AS e, degree

// name: name_candidates
// Fuzzy candidates: the full-text index's best $limit hits for $lucene (each query word as
// a prefix and within one or two edits), ties by id.
CALL db.index.fulltext.queryNodes('entity_search', $lucene) YIELD node, score
WITH node AS e, score
WHERE $kind IS NULL OR e.kind = $kind
ORDER BY score DESC, e.id
LIMIT $limit
RETURN properties(e) AS e, COUNT { (e)--() } AS degree

// name: neighbour_ranking
// The entities one entity is tied to in the window (of the kinds), most links first, then by
// id: how many there are and the first $limit, counted in the database (a hub of 40k links
// at 1M relationships: 0.3 s, where reading its relationships took 3 s).
MATCH (e:Entity {id: $id})-[r]-(o:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND ($kinds IS NULL OR o.kind IN $kinds)
WITH o.id AS other, count(r) AS links
ORDER BY links DESC, other
WITH collect({id: other, links: links}) AS ranked
RETURN size(ranked) AS count, ranked[..$limit] AS top

// name: timeline
// One entity's relationships in timeline order, the first $limit, and how many it has:
// dated or attested ones by the first day of their start (else earliest attestation, else
// end; a partial date's first day), then by in-force period, type and ends (as
// `Relationship.timeline_key`); the undated ones after them, by id. Sorted in the database, so a
// hub of 40k links at 1M relationships sends 500 rows (0.5-1.2 s, where reading all took 4 s).
// An entity without relationships gives one row with count 0 and no relationship.
MATCH (e:Entity {id: $id})
OPTIONAL MATCH (e)-[r]-(:Entity)
WITH r, coalesce(r.start, r.attested[0], r.end) AS written
WITH r, CASE size(written) WHEN 4 THEN written + '-01-01' WHEN 7 THEN written + '-01' ELSE written END AS day
ORDER BY day IS NULL, day, CASE WHEN day IS NULL THEN r.id END, r.first, r.last, type(r), startNode(r).id, endNode(r).id, r.id
WITH collect(r) AS rels
UNWIND CASE WHEN rels = [] THEN [null] ELSE rels[..$limit] END AS r
RETURN size(rels) AS count, startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props

// name: guide_relationships
// The Browser guide's counts slide: relationships by type and how many of each have a start
// date (one pass over the relationships, 0.5 s at 1M; the guide is built once per version).
MATCH (:Entity)-[r]->(:Entity)
RETURN type(r) AS type, count(*) AS count, count(r.start) AS started

// name: neighbours_at_most
// How many distinct entities the given ones are tied to in the window, counting no further
// than $cap: whether an ego network's next ring fits, decided before any relationship of it
// is read (a hub's 40k neighbours: the count stops at the cap).
UNWIND $ids AS id
MATCH (:Entity {id: id})-[r]-(o:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
WITH DISTINCT o
LIMIT $cap
RETURN count(o) AS reached

// name: relationships_between
// One entity's relationships (in the window, of the types) with each of the given others:
// both ends are seeked, and the tie between them read from the end with fewer links.
MATCH (e:Entity {id: $id})
UNWIND $others AS other
MATCH (o:Entity {id: other})
MATCH (e)-[r]-(o)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props
ORDER BY r.id

// name: relationships_touching
// An ego network's next ring: the relationships (in the window, of the types) that touch any
// of the given entities, either direction, each once; the entities are found by the id index.
UNWIND $ids AS id
MATCH (e:Entity {id: id})-[r]-(:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
WITH DISTINCT r
RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, properties(r) AS props
ORDER BY r.id

// name: relationships_among
// An ego network's rim: the relationships (in the window, of the types) with both ends among
// the given entities.
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids AND r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props
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
// Keyset paging for exports: the next $limit relationships (in the window, of the types, with
// both ends of $kinds unless it is null) after the cursor ($after_source, $after_id), by source
// id then relationship id. The sources are sought in id order by the unique id index and the
// sort is partial (within one source), so the query stops after $limit rows: a page is
// bounded in rows however many relationships one hub has, and no page sorts the graph.
MATCH (a:Entity)
WHERE a.id >= $after_source
WITH a ORDER BY a.id
MATCH (a)-[r]->(b:Entity)
WHERE (a.id > $after_source OR r.id > $after_id)
  AND r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND ($kinds IS NULL OR (a.kind IN $kinds AND b.kind IN $kinds))
WITH a, r, b ORDER BY a.id, r.id LIMIT $limit
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props

// name: export_nodes_page
// Keyset paging of an export's nodes: the next $limit entities (of $kinds unless it is null)
// after $after by the unique id index, each with what the formats write beside it, counted
// over its kept relationships (either direction, in the window, of the types, the other end
// of $kinds): its degree, and the distinct periods (first and last day) it has them in, or
// null when one of them is undated (the entity is then there at all times; a hub has one
// and so sends no list).
MATCH (e:Entity)
WHERE e.id > $after AND ($kinds IS NULL OR e.kind IN $kinds)
WITH e ORDER BY e.id LIMIT $limit
CALL (e) {
  OPTIONAL MATCH (e)-[r]-(o:Entity)
  WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
    AND ($kinds IS NULL OR o.kind IN $kinds)
  WITH count(r) AS degree, collect(DISTINCT CASE WHEN r IS NOT NULL THEN [r.first, r.last] END) AS periods
  RETURN degree, CASE WHEN [$day_min, $day_max] IN periods THEN null ELSE periods END AS periods
}
RETURN properties(e) AS e, degree, periods

// name: export_relationship_counts
// What an export's manifest counts of its relationships, aggregated where they are (no row
// per relationship leaves the database): by type and by the documents each cites (stored
// once per relationship), under the export's window and types. No label on the ends, so it
// is a scan of the relationships (only entities have any): at 1M about half the time of
// expanding every entity, which the kinds need (export_relationship_counts_of_kinds).
// Sources whose documents are all "" (dataset records) store none: they count as [''].
MATCH ()-[r]->()
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
RETURN type(r) AS type,
       coalesce(r.source_documents, CASE WHEN r.source_quote_document IS NULL THEN [] ELSE [''] END) AS documents,
       count(*) AS count

// name: export_relationship_counts_of_kinds
// As export_relationship_counts, keeping relationships whose ends are both of a kind in $kinds.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND a.kind IN $kinds AND b.kind IN $kinds
RETURN type(r) AS type,
       coalesce(r.source_documents, CASE WHEN r.source_quote_document IS NULL THEN [] ELSE [''] END) AS documents,
       count(*) AS count

// name: export_touched_entity_counts
// The entities a filtered export keeps (those a kept relationship touches), by kind and by
// the documents each cites: the relationships as export_relationship_counts keeps them.
MATCH ()-[r]->()
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
UNWIND [startNode(r), endNode(r)] AS e
WITH DISTINCT e
RETURN e.kind AS kind,
       coalesce(e.source_documents, CASE WHEN e.source_quote_document IS NULL THEN [] ELSE [''] END) AS documents,
       count(*) AS count

// name: export_touched_entity_counts_of_kinds
// As export_touched_entity_counts, for relationships whose ends are both of a kind in $kinds.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND a.kind IN $kinds AND b.kind IN $kinds
UNWIND [a, b] AS e
WITH DISTINCT e
RETURN e.kind AS kind,
       coalesce(e.source_documents, CASE WHEN e.source_quote_document IS NULL THEN [] ELSE [''] END) AS documents,
       count(*) AS count

// name: export_touched_entities_at_most
// How many entities a filtered export keeps, counted no further than $cap: what refuses a
// figure above its limit, which stops at the first $cap entities instead of counting them all.
MATCH ()-[r]->()
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
UNWIND [startNode(r), endNode(r)] AS e
WITH DISTINCT e LIMIT $cap
RETURN count(e) AS entities

// name: export_touched_entities_at_most_of_kinds
// As export_touched_entities_at_most, for relationships whose ends are both of a kind in $kinds.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
  AND a.kind IN $kinds AND b.kind IN $kinds
UNWIND [a, b] AS e
WITH DISTINCT e LIMIT $cap
RETURN count(e) AS entities

// name: export_entity_counts
// Every entity (an unfiltered export keeps them all), by kind and by the documents each cites.
MATCH (e:Entity)
RETURN e.kind AS kind,
       coalesce(e.source_documents, CASE WHEN e.source_quote_document IS NULL THEN [] ELSE [''] END) AS documents,
       count(*) AS count

// name: export_shared_names
// The entities of an unfiltered export whose name another entity has: what the CSV's unique
// labels depend on (app/export/labels.py), found before the file starts without sending every
// entity: the names are counted here, and each shared name's entities found by the name index.
MATCH (e:Entity)
WITH e.name AS name, count(*) AS n
WHERE n > 1
MATCH (e:Entity {name: name})
RETURN properties(e) AS e

// name: export_shared_names_touched
// As export_shared_names, among the entities a filtered export keeps: of $kinds (unless it is
// null) with a kept relationship (in the window, of the types, the other end of $kinds).
MATCH (e:Entity)
WHERE ($kinds IS NULL OR e.kind IN $kinds)
  AND EXISTS {
    (e)-[r]-(o:Entity)
    WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
      AND ($kinds IS NULL OR o.kind IN $kinds)
  }
WITH e.name AS name, count(*) AS n
WHERE n > 1
MATCH (e:Entity {name: name})
WHERE ($kinds IS NULL OR e.kind IN $kinds)
  AND EXISTS {
    (e)-[r]-(o:Entity)
    WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
      AND ($kinds IS NULL OR o.kind IN $kinds)
  }
RETURN properties(e) AS e

// name: export_entities_named
// The entities of an export named one of $names (by the name index): those an entity sharing its
// name could be confused with, once it has its kind or id in brackets. All of them when $every,
// else those a filtered export keeps (as export_shared_names_touched).
UNWIND $names AS name
MATCH (e:Entity {name: name})
WHERE $every OR (($kinds IS NULL OR e.kind IN $kinds)
  AND EXISTS {
    (e)-[r]-(o:Entity)
    WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)
      AND ($kinds IS NULL OR o.kind IN $kinds)
  })
RETURN properties(e) AS e

// name: export_entity_names
// The names of the entities of $ids (the ends of a batch of relationships): a unique-index seek per id.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e.id AS id, e.name AS name

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
