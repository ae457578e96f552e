-- The document list sorted by what is left to pay or by number (the portal's column headers),
-- page by page from an index instead of sorting a large firm's documents on every page.
CREATE INDEX documents_remaining ON documents (tenant_id, status, remaining_minor, document_id);
CREATE INDEX documents_number ON documents (tenant_id, status, number, document_id);
