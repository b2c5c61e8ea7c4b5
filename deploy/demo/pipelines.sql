-- The quickstart's demo pipelines (run by ./deploy/quickstart.sh through `skein sql -f`).
SET 'auto.offset.reset' = 'earliest';

CREATE STREAM IF NOT EXISTS pageviews (user_id STRING KEY, product_id STRING, view_ms BIGINT)
  WITH (KAFKA_TOPIC = 'demo_pageviews', FORMAT = 'JSON', PARTITIONS = 6);

CREATE TABLE IF NOT EXISTS users (user_id STRING PRIMARY KEY, name STRING, tier STRING)
  WITH (KAFKA_TOPIC = 'demo_users', FORMAT = 'JSON', PARTITIONS = 6);

-- Stateless: long views only.
CREATE STREAM IF NOT EXISTS long_views AS
  SELECT user_id, product_id, view_ms FROM pageviews WHERE view_ms >= 500;

-- Windowed aggregate: view time per user and product per minute (repartitioned by the pair).
CREATE TABLE IF NOT EXISTS view_time AS
  SELECT user_id, product_id, SUM(view_ms) AS total_ms, COUNT(*) AS views
  FROM pageviews WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY user_id, product_id EMIT CHANGES;

-- Stream-table join: each view with the viewer's tier.
CREATE STREAM IF NOT EXISTS tiered_views AS
  SELECT v.user_id AS user_id, v.product_id AS product_id, v.view_ms AS view_ms, u.tier AS tier
  FROM pageviews v LEFT JOIN users u ON v.user_id = u.user_id;
