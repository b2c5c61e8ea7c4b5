-- EXPLODE in the projection (one output row per array element, none for a null or empty
-- array) after a WHERE ... IN whose string literals are parsed as the INT column's type.
CREATE STREAM BASKETS (SHOPPER STRING KEY, FRUITS ARRAY<STRING>, TRIP INT)
  WITH (kafka_topic='baskets', value_format='JSON');

CREATE STREAM FRUIT_LINES WITH (kafka_topic='fruit_lines') AS
  SELECT SHOPPER, EXPLODE(FRUITS) AS FRUIT, TRIP
  FROM BASKETS
  WHERE TRIP IN ('2', 3, '7e0');
