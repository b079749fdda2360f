"""Pictures on the linked-data pages: an entity's neighbourhood as a graph, and a timeline of dated
events; each made on the server from the same constant queries and views as the pages."""
