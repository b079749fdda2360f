"""What a report tells, episode by episode: each method adds a paragraph (or two) and the claims it
supports, and answers whether it could (a report cannot have two leads). Grouped by subject as mixins
of ``document.Document``."""
