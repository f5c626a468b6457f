"""A student's data: exported whole, deleted for good, typed answers kept only as long as the class allows."""
