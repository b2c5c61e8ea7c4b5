-- DELIMITED values in and out: columns are comma-separated in declaration order; an empty
-- field is null.
CREATE STREAM CSV_IN (ID INT KEY, NAME STRING, QTY INT, PRICE DOUBLE)
  WITH (kafka_topic='csv_in', value_format='DELIMITED');

CREATE STREAM CSV_OUT WITH (kafka_topic='csv_out', value_format='DELIMITED') AS
  SELECT ID, NAME, QTY * 2 AS DOUBLE_QTY FROM CSV_IN;
