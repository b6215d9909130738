"""Wire formats: each adapter turns one format into the canonical model (`adapters.canonical.Message`)."""
