-- Stream-stream LEFT JOIN with a GRACE PERIOD: a left record without a match is emitted with
-- NULLs only once stream time passes the end of its window plus the grace period.
CREATE STREAM L (ID INT KEY, A STRING) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM R (ID INT KEY, B STRING) WITH (kafka_topic='r', value_format='JSON');

CREATE STREAM J AS
  SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 10 SECONDS GRACE PERIOD 5 SECONDS ON L.ID = R.ID;
