-- EMIT FINAL: a window's result is written once, after stream time passes its end + grace;
-- nothing is written for a window still open when the input ends.
CREATE STREAM PAYMENTS (ACCOUNT STRING KEY, AMOUNT INT)
  WITH (kafka_topic='payments', value_format='JSON');

CREATE TABLE HOURLY WITH (kafka_topic='hourly') AS
  SELECT ACCOUNT, SUM(AMOUNT) AS TOTAL FROM PAYMENTS
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 10 MINUTES)
  GROUP BY ACCOUNT EMIT FINAL;
