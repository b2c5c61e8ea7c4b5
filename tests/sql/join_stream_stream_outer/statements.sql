-- Stream-stream FULL OUTER JOIN without a grace period: unmatched records of either side are
-- emitted at once with NULLs for the other side; the key is the synthetic ROWKEY.
CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON');

CREATE STREAM J AS
  SELECT ROWKEY AS K, A, B FROM L FULL OUTER JOIN R WITHIN 5 SECONDS ON L.ID = R.ID;
