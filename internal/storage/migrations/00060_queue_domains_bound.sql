-- +goose Up
-- 00059 as first landed kept lists of any length; on PostgreSQL an index
-- entry over 2,704 bytes refuses the row. A list over 1,024 bytes is '*'
-- (storage.QueueDomains), read from application_domains by the queue.
UPDATE applications SET queue_domains = '*' WHERE octet_length(queue_domains) > 1024;

-- +goose Down
SELECT 1;
