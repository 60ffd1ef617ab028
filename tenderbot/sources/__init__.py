"""Portal adapters: one module per family over ``base``, polite fetching in ``fetch``, the registry."""
