-- Stream-stream INNER JOIN within a window: each record joins the other side's records whose
-- timestamps are within 10 seconds, emitted at once with the later timestamp.
CREATE STREAM ORDERS (ID INT KEY, ITEM STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM SHIPMENTS (ID INT KEY, CARRIER STRING) WITH (kafka_topic='shipments', value_format='JSON');

CREATE STREAM SHIPPED AS
  SELECT O.ID, ITEM, CARRIER FROM ORDERS O JOIN SHIPMENTS S WITHIN 10 SECONDS ON O.ID = S.ID;
