"""What a model's evidence says: card text, MOF components, release fields, licenses, confidence."""
