// Path queries, one per quantifier bound 1…8 ({{max_hops}} is filled at load time).
// Paths ignore the stored direction. Inline predicates inside the quantified path pattern
// are evaluated while the pattern expands, so the date window, the types and the blocked
// entities prune the search instead of filtering a finished expansion (checked with
// PROFILE in tests/stores/test_cypher_plans.py: the filters sit inside the
// StatefulShortestPath / Repeat(Trail) operator, not in a Filter above it).
// Each row is one path: its node ids and its relationship ids (the store looks the
// relationships up by id, once per dataset version, so paths stay small on the wire).
// Rows are ordered (shortest, then by node ids, then by relationship ids) before the
// LIMIT, so a capped answer is the same first rows every time, and the same rows the
// embedded store ranks first.

// name: paths_shortest
// All shortest paths. Plan: StatefulShortestPath(Into) between the two seeked ends
// (ALL SHORTEST is planned as SHORTEST 1 GROUPS) with the date, type and node predicates
// listed as "inlined predicates": applied per step of the breadth-first search.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
WITH a, b
MATCH p = ALL SHORTEST (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = $target OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds))){1,{{max_hops}}}
  (b)
RETURN [n IN nodes(p) | n.id] AS nodes, [rel IN relationships(p) | rel.id] AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths

// name: paths_all
// Every simple path up to the bound. Plan: Repeat(Trail) expanding from a seeked end; inside
// the repeat, a Filter on the date window and types sits directly on Expand(All), so
// every step is pruned as it is taken. The node-uniqueness check (trail semantics only
// forbid repeated relationships) is a Filter on the finished paths.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
WITH a, b
MATCH p = (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = $target OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds AND y.id <> $source))){1,{{max_hops}}}
  (b)
WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
RETURN [n IN nodes(p) | n.id] AS nodes, [rel IN relationships(p) | rel.id] AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths

// name: paths_temporal
// Time-respecting simple paths: as paths_all, then the greedy earliest-day check
// (t_i = max(t_(i-1), first_i) must not pass last_i) folded over the relationships.
// Cypher 5 cannot carry t from one iteration of a quantified pattern to the next, so
// this check runs on each candidate path after the per-step pruning.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
WITH a, b
MATCH p = (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = $target OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds AND y.id <> $source))){1,{{max_hops}}}
  (b)
WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p, reduce(t = date('0001-01-01'), rel IN relationships(p) |
  CASE WHEN t IS NULL THEN NULL
       WHEN rel.last < CASE WHEN rel.first > t THEN rel.first ELSE t END THEN NULL
       ELSE CASE WHEN rel.first > t THEN rel.first ELSE t END END) AS reached
WHERE reached IS NOT NULL
RETURN [n IN nodes(p) | n.id] AS nodes, [rel IN relationships(p) | rel.id] AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths
