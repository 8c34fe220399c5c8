"""Analytics written once, above the stores: paths, centrality, brokerage, narratives."""
