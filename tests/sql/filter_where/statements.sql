-- Keeps only orders above a threshold; a null amount never passes the predicate.
CREATE STREAM ORDERS (ID INT KEY, ITEM STRING, AMOUNT DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');

CREATE STREAM BIG_ORDERS WITH (kafka_topic='big_orders') AS
  SELECT ID, ITEM, AMOUNT FROM ORDERS WHERE AMOUNT > 10.0;
