"""The social network's writes: one module per part (posts, media, interactions, actors, graph, groups)."""
