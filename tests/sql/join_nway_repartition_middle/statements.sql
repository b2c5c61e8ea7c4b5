-- Three-way join whose second join is on another key: orders are joined to their customer
-- (ORDERS is rekeyed by CUSTOMER_ID first), and the result is rekeyed by the customer's REGION
-- in the middle to LEFT JOIN the REGIONS table on its key. The result is keyed by the second
-- join's key (R.CODE, projected as CODE): for an order whose region has no row it is still the
-- region code. An order with a NULL customer id, or of an unknown customer, has no result.
CREATE STREAM ORDERS (ORDER_ID INT KEY, CUSTOMER_ID INT, AMOUNT INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE CUSTOMERS (ID INT PRIMARY KEY, REGION STRING)
  WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE REGIONS (CODE STRING PRIMARY KEY, MANAGER STRING)
  WITH (kafka_topic='regions', value_format='JSON');

CREATE STREAM ROUTED WITH (kafka_topic='routed') AS
  SELECT R.CODE, O.ORDER_ID, AMOUNT, MANAGER
  FROM ORDERS O
  JOIN CUSTOMERS C ON O.CUSTOMER_ID = C.ID
  LEFT JOIN REGIONS R ON C.REGION = R.CODE;
