"""Issues: states and transitions (pure) and the service that changes them."""
