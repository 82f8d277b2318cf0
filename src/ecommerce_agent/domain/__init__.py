"""Pure business logic: entities, the order status matrix, ids. No I/O, no imports of ours."""
